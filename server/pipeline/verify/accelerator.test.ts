import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../exec';
import { chooseAccelerator, forgetKvmProbe, parseAcceleratorSetting, probeAccelerator, probeKvmOnce, readHostVirtualization } from './accelerator';

const scratch = mkdtempSync(join(tmpdir(), 'accel-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const exec = (command: string, args: readonly string[], options?: Parameters<typeof runProcess>[2]) => runProcess(command, args, options);
const usable = { kvmDevice: true, cpuFlags: true };

describe('chooseAccelerator', () => {
  it('takes KVM only when the device, the CPU flags and a probe guest all say it works', async () => {
    expect(await chooseAccelerator('auto', usable, async () => true)).toEqual({ accel: 'kvm', reason: 'KVM: a probe guest ran' });
    expect((await chooseAccelerator('auto', usable, async () => false)).reason).toMatch(
      /^software emulation: \/dev\/kvm exists but a KVM probe guest did not finish in 3 s/,
    );
    expect((await chooseAccelerator('auto', { kvmDevice: true, cpuFlags: false }, async () => true)).reason).toMatch(/no vmx\/svm flag/);
    expect((await chooseAccelerator('auto', { kvmDevice: false, cpuFlags: true }, async () => true)).accel).toBe('tcg');
  });

  it('never probes for tcg, and fails loudly when kvm is asked for and does not work', async () => {
    let probed = false;
    expect(
      await chooseAccelerator('tcg', usable, async () => {
        probed = true;
        return true;
      }),
    ).toEqual({ accel: 'tcg', reason: 'STAMPER_ACCEL=tcg' });
    expect(probed).toBe(false);
    await expect(chooseAccelerator('kvm', usable, async () => false)).rejects.toThrow(/STAMPER_ACCEL=kvm, but a KVM probe guest did not finish/);
    await expect(chooseAccelerator('kvm', { kvmDevice: false, cpuFlags: true }, async () => true)).rejects.toThrow(/STAMPER_ACCEL=kvm, but \/dev\/kvm/);
  });

  it('reads STAMPER_ACCEL strictly', () => {
    expect(parseAcceleratorSetting(undefined)).toBe('auto');
    expect(parseAcceleratorSetting('kvm')).toBe('kvm');
    expect(() => parseAcceleratorSetting('hvf')).toThrow(/kvm, tcg or auto/);
  });
});

describe('probeKvmOnce', () => {
  // counts qemu starts; the answer is the exit code a probe guest that ran would give
  const countingExec = (exitCode: number) => {
    const runs: string[][] = [];
    const run = async (_command: string, args: readonly string[]) => {
      runs.push([...args]);
      return { code: exitCode, stdout: '', lastLines: [] };
    };
    return { run, runs };
  };

  it('probes once per process and gives every later build the same answer', async () => {
    forgetKvmProbe();
    const { run, runs } = countingExec(99);
    const signal = new AbortController().signal;
    expect(await probeKvmOnce(run, signal)).toBe(true);
    expect(await probeKvmOnce(run, signal)).toBe(true);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toContain('kvm');
    forgetKvmProbe();
  });

  it('does not keep an answer from a probe whose build was canceled', async () => {
    forgetKvmProbe();
    const { run, runs } = countingExec(1);
    const canceled = new AbortController();
    canceled.abort();
    expect(await probeKvmOnce(run, canceled.signal)).toBe(false);
    expect(await probeKvmOnce(run, new AbortController().signal)).toBe(false);
    expect(runs).toHaveLength(2);
    forgetKvmProbe();
  });
});

describe('the probe guest (real QEMU)', () => {
  it('runs and ends QEMU itself under software emulation, so a false from KVM means KVM, not the probe', async () => {
    expect(await probeAccelerator('tcg', exec, scratch)).toBe(true);
  });

  it('decides on this host within seconds, and says why', async () => {
    const started = Date.now();
    const choice = await chooseAccelerator('auto', await readHostVirtualization(), () => probeAccelerator('kvm', exec, scratch));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(choice.reason.length).toBeGreaterThan(10);
    process.stdout.write(`accelerator on this host: ${choice.accel} (${choice.reason})\n`);
  });
});
