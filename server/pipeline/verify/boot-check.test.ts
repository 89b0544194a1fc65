import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exec } from '../disk/build-disk-image';
import { runProcess } from '../exec';
import { makeTinyRootDisk } from '../test-fixtures/tiny-root-disk';
import { BootCheckError, bootAndCheck } from './boot-check';
import type { GuestExpectations } from './expectations';

/**
 * bootAndCheck on a real disk copy and injection; only qemu, which cannot boot this
 * filesystem-only disk, is replaced by what a guest writes to its serial console.
 */
const PANIC = '[   10.7] Kernel panic - not syncing: Fatal exception in interrupt\n[   11.7] Rebooting in 1 seconds..\n';
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

  it('does not boot again when the guest simply reports nothing', async () => {
    const { exec, boots } = guest(['[  OK  ] Reached target poweroff.target\n']);
    const error = await bootAndCheck(request(exec, 'silent')).catch((e: unknown) => e);
    expect(boots()).toBe(1);
    expect((error as BootCheckError).message).toBe('the guest powered off without reporting its checks');
  });
});
