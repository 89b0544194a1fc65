import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exec } from '../disk/build-disk-image';
import { runProcess } from '../exec';
import { makeTinyRootDisk } from '../../testing/tiny-root-disk';
import { BootCheckError, bootAndCheck } from './boot-check';
import { capiBootstrapExpectation } from './capi-bootstrap';
import type { GuestExpectations } from './expectations';

/**
 * bootAndCheck on a real disk copy and injection; only qemu, which cannot boot this
 * filesystem-only disk, is replaced by what a guest writes to its serial console.
 */
const PANIC = '[   10.7] Kernel panic - not syncing: Fatal exception in interrupt\n[   11.7] Rebooting in 1 seconds..\n';
/** A panic before systemd-sysctl applied kernel.panic = 1: no reboot, the guest halts for good. */
const PANIC_HANG =
  '[   14.3] Kernel panic - not syncing: Fatal exception in interrupt\n[   14.4] ---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---\n';
const PASSED = 'STAMPER-VERIFY {"name": "multi-user", "ok": true, "detail": "active"}\nSTAMPER-VERIFY DONE 1\n';

function guest(consoles: string[]): { exec: Exec; boots: () => number } {
  let boots = 0;
  const exec: Exec = async (command, args, options) => {
    if (command !== 'qemu-system-x86_64') return runProcess(command, args, options);
    const serial = args[args.indexOf('-serial') + 1]?.replace(/^file:/, '') ?? '';
    await writeFile(serial, consoles[boots] ?? '');
    boots += 1;
    return { code: 0, stdout: '', lastLines: [] };
  };
  return { exec, boots: () => boots };
}

/**
 * The first boot is a real process standing in for a qemu whose guest hung after a panic:
 * it writes the pidfile and the console, then would run for ten minutes unless ended.
 */
function hangingGuest(): { exec: Exec; boots: () => number } {
  let boots = 0;
  const exec: Exec = async (command, args, options) => {
    if (command !== 'qemu-system-x86_64') return runProcess(command, args, options);
    boots += 1;
    const serial = args[args.indexOf('-serial') + 1]?.replace(/^file:/, '') ?? '';
    if (boots > 1) {
      await writeFile(serial, PASSED);
      return { code: 0, stdout: '', lastLines: [] };
    }
    const pidFile = args[args.indexOf('-pidfile') + 1] ?? '';
    const hung = spawn('sleep', ['600'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => hung.once('exit', resolve));
    await writeFile(serial, PANIC_HANG);
    await writeFile(pidFile, `${hung.pid ?? ''}\n`);
    // qemu exits 0 on SIGTERM
    return { code: (await exited) ?? 0, stdout: '', lastLines: [] };
  };
  return { exec, boots: () => boots };
}

/** A real process standing in for a qemu whose guest reported `console` and would then take ten minutes to power off. */
function slowToPowerOff(console: string): { exec: Exec; ended: () => boolean } {
  let endedBySignal = false;
  const exec: Exec = async (command, args, options) => {
    if (command !== 'qemu-system-x86_64') return runProcess(command, args, options);
    const serial = args[args.indexOf('-serial') + 1]?.replace(/^file:/, '') ?? '';
    const pidFile = args[args.indexOf('-pidfile') + 1] ?? '';
    const running = spawn('sleep', ['600'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => running.once('exit', (_code, signal) => resolve(signal)));
    await writeFile(pidFile, `${running.pid ?? ''}\n`);
    await writeFile(serial, console);
    endedBySignal = (await exited) === 'SIGTERM';
    return { code: 0, stdout: '', lastLines: [] };
  };
  return { exec, ended: () => endedBySignal };
}

describe('bootAndCheck', () => {
  let dir: string;
  let disk: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-boot-check-'));
    ({ disk } = await makeTinyRootDisk(dir));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const request = (exec: Exec, name: string) => ({
    sourceDisk: disk,
    sourceFormat: 'raw' as const,
    scratchDir: join(dir, name),
    firmware: 'bios' as const,
    hardware: 'virtio' as const,
    expectations: {} as GuestExpectations,
    timeoutMs: 60_000,
    exec,
  });

  it('boots once more after a kernel panic, and passes when the second boot reports', async () => {
    const { exec, boots } = guest([PANIC, PASSED]);
    const result = await bootAndCheck(request(exec, 'panic-once'));
    expect(boots()).toBe(2);
    expect(result.checks).toEqual([{ name: 'multi-user', ok: true, detail: 'active' }]);
  });

  it('fails, naming the panic, when the second boot panics too', async () => {
    const { exec, boots } = guest([PANIC, PANIC]);
    const error = await bootAndCheck(request(exec, 'panic-twice')).catch((e: unknown) => e);
    expect(boots()).toBe(2);
    expect(error).toBeInstanceOf(BootCheckError);
    expect((error as BootCheckError).message).toBe('the guest kernel panicked before reporting its checks');
    expect((error as BootCheckError).serialTail.join('\n')).toContain('Kernel panic');
  });

  it('ends a guest that hangs after a panic instead of waiting out the timeout, and boots once more', async () => {
    const { exec, boots } = hangingGuest();
    const started = Date.now();
    const result = await bootAndCheck({ ...request(exec, 'panic-hang'), timeoutMs: 600_000 });
    expect(boots()).toBe(2);
    expect(result.checks).toEqual([{ name: 'multi-user', ok: true, detail: 'active' }]);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('ends the VM as soon as the guest has reported all its checks, without waiting for its poweroff', async () => {
    const { exec, ended } = slowToPowerOff(PASSED);
    const started = Date.now();
    const result = await bootAndCheck({ ...request(exec, 'reported'), timeoutMs: 600_000 });
    expect(ended()).toBe(true);
    expect(result.checks).toEqual([{ name: 'multi-user', ok: true, detail: 'active' }]);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('still returns a failed check when the VM is ended early, and still refuses a report with checks missing', async () => {
    const failed = 'STAMPER-VERIFY {"name": "swap-off", "ok": false, "detail": "active swap: /swapfile"}\nSTAMPER-VERIFY DONE 1\n';
    const result = await bootAndCheck({ ...request(slowToPowerOff(failed).exec, 'reported-failed'), timeoutMs: 600_000 });
    expect(result.checks).toEqual([{ name: 'swap-off', ok: false, detail: 'active swap: /swapfile' }]);
    const short = await bootAndCheck({ ...request(slowToPowerOff('STAMPER-VERIFY DONE 2\n').exec, 'reported-short'), timeoutMs: 600_000 }).catch(
      (e: unknown) => e,
    );
    expect((short as BootCheckError).message).toBe('the guest reported 0 of 2 checks (console output garbled)');
  }, 60_000);

  it('attaches the Cluster API bootstrap seed to the boot when the expectations ask for the check', async () => {
    const seen: string[][] = [];
    const { exec } = guest([PASSED]);
    const recording: Exec = async (command, args, options) => {
      if (command === 'qemu-system-x86_64') {
        const drive = args.find((a) => a.includes('media=cdrom')) ?? '';
        const iso = /^file=([^,]+),/.exec(drive)?.[1] ?? '';
        seen.push([drive, (await runProcess('blkid', ['-o', 'value', '-s', 'LABEL', iso], { captureStdout: true, quiet: true })).stdout.trim()]);
      }
      return exec(command, args, options);
    };
    const capiBootstrap = capiBootstrapExpectation('1.35.3', 'abcdef0123456789');
    await bootAndCheck({ ...request(recording, 'seeded'), expectations: { capiBootstrap } as GuestExpectations });
    expect(seen).toEqual([[`file=${join(dir, 'seeded', 'seed.iso')},format=raw,media=cdrom,readonly=on`, 'cidata']]);
  });

  it('does not boot again when the guest simply reports nothing', async () => {
    const { exec, boots } = guest(['[  OK  ] Reached target poweroff.target\n']);
    const error = await bootAndCheck(request(exec, 'silent')).catch((e: unknown) => e);
    expect(boots()).toBe(1);
    expect((error as BootCheckError).message).toBe('the guest powered off without reporting its checks');
  });

  it.each([
    ['vpc', ['-O', 'vpc', '-o', 'subformat=fixed,force_size=on']],
    ['vhdx', ['-O', 'vhdx']],
    ['qcow2', ['-O', 'qcow2']],
  ] as const)('boots a %s source as that format, with the check inside', async (format, convertArgs) => {
    const source = join(dir, `source.${format}`);
    await runProcess('qemu-img', ['convert', '-f', 'raw', ...convertArgs, disk, source]);
    const seen: { drive: string; info: string; hasCheck: boolean }[] = [];
    const exec: Exec = async (command, args, options) => {
      if (command !== 'qemu-system-x86_64') return runProcess(command, args, options);
      const drive = args.find((a) => a.startsWith('file=') && a.includes('verify.')) ?? '';
      const file = /^file=([^,]+)/.exec(drive)?.[1] ?? '';
      const info = (await runProcess('qemu-img', ['info', '-f', format, '--output=json', file], { captureStdout: true })).stdout;
      // read the boot disk back as raw and look for the injected check file
      const raw = join(dir, `readback-${format}.raw`);
      await runProcess('qemu-img', ['convert', '-f', format, '-O', 'raw', file, raw]);
      const offset = 2048 * 512;
      const { stdout } = await runProcess('debugfs', ['-R', 'ls -l /var/lib', `${raw}?offset=${offset}`], { captureStdout: true });
      seen.push({ drive, info, hasCheck: /stamper/.test(stdout) });
      await writeFile(args[args.indexOf('-serial') + 1]?.replace(/^file:/, '') ?? '', PASSED);
      return { code: 0, stdout: '', lastLines: [] };
    };
    await bootAndCheck({ ...request(exec, `boot-${format}`), sourceDisk: source, sourceFormat: format });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.drive).toContain(`format=${format}`);
    expect(JSON.parse(seen[0]?.info ?? '{}')).toMatchObject({ format, 'virtual-size': 64 * 1024 * 1024 });
    expect(seen[0]?.hasCheck).toBe(true);
  });

  it('refuses a dynamic VHD, whose layout is not the raw disk’s', async () => {
    const dynamic = join(dir, 'dynamic.vhd');
    await runProcess('qemu-img', ['convert', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=dynamic', disk, dynamic]);
    const { exec, boots } = guest([PASSED]);
    await expect(bootAndCheck({ ...request(exec, 'dynamic'), sourceDisk: dynamic, sourceFormat: 'vpc' })).rejects.toThrow(/dynamic VHD/);
    expect(boots()).toBe(0);
  });
});
