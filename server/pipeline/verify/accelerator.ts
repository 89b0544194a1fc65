import { access, constants, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '../disk/build-disk-image';

export type Accelerator = 'kvm' | 'tcg';
export type AcceleratorSetting = Accelerator | 'auto';

export interface AcceleratorChoice {
  accel: Accelerator;
  /** Why, for the build log: what was found, or what the probe saw. */
  reason: string;
}

/**
 * How long a guest that only writes one I/O port may take under KVM before we call KVM
 * broken. With working KVM it is done in a fraction of a second, and under TCG in ~0.65 s
 * on the 2-core development host; there /dev/kvm exists but the same guest needs 6–8 s
 * under KVM (real boots never finish), so anything slower than this is worse than TCG.
 */
export const KVM_PROBE_TIMEOUT_MS = 3000;
const PROBE_EXIT_CODE = 99; // isa-debug-exit: (0x31 << 1) | 1

/**
 * A boot sector that writes 0x31 to the isa-debug-exit port, which ends QEMU with exit
 * code 99, then halts: `mov al,0x31; out 0xf4,al; hlt; jmp $-1`. If the guest runs at
 * all, QEMU exits in well under a second; where /dev/kvm exists but guests hang (no
 * nested virtualization), it does not exit, and the timeout ends it.
 */
export function probeBootSector(): Buffer {
  const sector = Buffer.alloc(512);
  Buffer.from([0xb0, 0x31, 0xe6, 0xf4, 0xf4, 0xeb, 0xfd]).copy(sector);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

export function probeArgs(accel: Accelerator, sector: string): string[] {
  return [
    '-machine',
    'pc',
    '-accel',
    accel,
    '-m',
    '16',
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'none',
    '-no-reboot',
    '-device',
    'isa-debug-exit,iobase=0xf4,iosize=0x04',
    '-drive',
    `file=${sector},format=raw,if=ide,snapshot=on`,
  ];
}

/** Boots the probe sector with `accel`; true when the guest ran and ended QEMU itself. */
export async function probeAccelerator(accel: Accelerator, exec: Exec, scratchDir: string, timeoutMs = KVM_PROBE_TIMEOUT_MS): Promise<boolean> {
  const sector = join(scratchDir, 'accel-probe.img');
  await writeFile(sector, probeBootSector());
  const result = await exec('qemu-system-x86_64', probeArgs(accel, sector), { timeoutMs, allowFailure: true, quiet: true }).catch(() => undefined);
  return result?.code === PROBE_EXIT_CODE;
}

let kvmProbe: Promise<boolean> | undefined;

/**
 * The KVM probe's answer for this process. The host does not change between builds, and
 * where KVM hangs every probe costs its whole timeout, so one probe serves every build the
 * process runs. An answer from a probe cut short by its build's cancel is not kept: it says
 * nothing about the host.
 */
export function probeKvmOnce(exec: Exec, signal: AbortSignal): Promise<boolean> {
  const probe = (kvmProbe ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stamper-accel-probe-'));
    try {
      return await probeAccelerator('kvm', exec, dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })());
  return probe.then((works) => {
    if (signal.aborted && kvmProbe === probe) kvmProbe = undefined;
    return works;
  });
}

/** Forgets the kept probe answer (tests). */
export function forgetKvmProbe(): void {
  kvmProbe = undefined;
}

export interface HostVirtualization {
  /** /dev/kvm can be opened for reading and writing by this process. */
  kvmDevice: boolean;
  /** /proc/cpuinfo offers vmx (Intel) or svm (AMD). */
  cpuFlags: boolean;
}

export async function readHostVirtualization(): Promise<HostVirtualization> {
  const kvmDevice = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(
    () => true,
    () => false,
  );
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  return { kvmDevice, cpuFlags: /^flags\s*:.*\b(vmx|svm)\b/m.test(cpuinfo) };
}

export function parseAcceleratorSetting(value: string | undefined): AcceleratorSetting {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'kvm' || value === 'tcg') return value;
  throw new Error(`STAMPER_ACCEL must be kvm, tcg or auto, not "${value}"`);
}

/**
 * KVM only when it truly works: the device is usable, the CPU offers virtualization, and
 * a probe guest finishes within seconds. Otherwise software emulation, with the reason.
 * `kvm` asked for explicitly and not working is an error, not a silent slow boot.
 */
export async function chooseAccelerator(setting: AcceleratorSetting, host: HostVirtualization, probe: () => Promise<boolean>): Promise<AcceleratorChoice> {
  if (setting === 'tcg') return { accel: 'tcg', reason: 'STAMPER_ACCEL=tcg' };
  const missing = !host.kvmDevice
    ? '/dev/kvm is missing or not usable by the build'
    : !host.cpuFlags
      ? 'the CPU offers no virtualization (no vmx/svm flag)'
      : undefined;
  if (missing && setting === 'kvm') throw new Error(`STAMPER_ACCEL=kvm, but ${missing}`);
  if (missing) return { accel: 'tcg', reason: `software emulation: ${missing}` };
  if (await probe()) return { accel: 'kvm', reason: 'KVM: a probe guest ran' };
  const hung = `a KVM probe guest did not finish in ${KVM_PROBE_TIMEOUT_MS / 1000} s (a working KVM needs well under one; nested virtualization unavailable?)`;
  if (setting === 'kvm') throw new Error(`STAMPER_ACCEL=kvm, but ${hung}`);
  return { accel: 'tcg', reason: `software emulation: /dev/kvm exists but ${hung}` };
}
