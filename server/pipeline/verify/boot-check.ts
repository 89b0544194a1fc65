import { copyFile, mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../disk/build-disk-image';
import type { VerifyCheck } from '../events';
import type { GuestExpectations } from './expectations';
import { capiBootstrapSeed } from './capi-bootstrap';
import { injectGuestCheck } from './inject-check';
import { writeNoCloudSeed } from './nocloud-seed';
import { OVMF_VARS, type QemuBootRequest, type VerifyFirmware, type VerifyHardware, qemuBootArgs } from './qemu-args';
import { BOOT_MILESTONES, parseSerialResults } from './serial-results';

/** Formats booted as themselves after the check is added to a raw copy, with the options they are written with. */
const REENCODED = { vhdx: ['-o', 'subformat=dynamic'], qcow2: [] } as const;

export interface BootCheckRequest {
  sourceDisk: string;
  /**
   * raw and vpc (a fixed VHD: the raw disk plus a footer) boot a copy of the file itself;
   * vhdx and qcow2 boot a file of their format re-encoded after the check is added; vmdk boots a raw copy.
   */
  sourceFormat: 'raw' | 'qcow2' | 'vmdk' | 'vpc' | 'vhdx';
  scratchDir: string;
  firmware: VerifyFirmware;
  hardware: VerifyHardware;
  expectations: GuestExpectations;
  timeoutMs: number;
  exec: Exec;
  progress?: (percent: number, message: string) => void;
  accel?: 'kvm' | 'tcg';
  /** The emulated machine's size; the defaults are what the check has been measured with (see docs/pipeline.md). */
  tuning?: BootTuning;
}

export interface BootTuning {
  memoryMiB?: number;
  cpus?: number;
  devices?: QemuBootRequest['devices'];
  cpuModel?: QemuBootRequest['cpuModel'];
  /** Let the guest power itself off after its report instead of ending the VM then (bench/boot-check.ts compares the two). */
  waitForPoweroff?: boolean;
}

export interface BootCheckResult {
  checks: VerifyCheck[];
  serialLog: string;
  bootMs: number;
}

const KERNEL_PANIC = /Kernel panic - not syncing/;
/** Printed when the kernel gives up for good: with no panic reboot set, the guest hangs after it. */
const PANIC_END = /---\[ end Kernel panic - not syncing/;
/** Time a panicked guest gets to reboot on its own (kernel.panic = 1) before qemu is ended. */
const PANIC_GRACE_MS = 5000;
/** Often enough that a guest whose results are all in is ended within half a second. */
const SERIAL_POLL_MS = 500;

export class BootCheckError extends Error {
  constructor(
    message: string,
    readonly serialTail: string[],
    /** The guest kernel panicked (qemu ended by the panic reboot, or by the console watcher when it hung). */
    readonly kernelPanic = false,
  ) {
    super(message);
    this.name = 'BootCheckError';
  }
}

/**
 * Boots a copy of the disk with the check unit added and collects the guest's verdicts.
 * A kernel panic gets one more boot: under TCG with a host thread per vCPU, the kernel's
 * live code patching is occasionally torn and a sound image panics (one boot in about twenty
 * on the 2-core development host). A faulty image panics again, so the second boot tells
 * the two apart, at the cost of one boot only when the first one panicked.
 */
export async function bootAndCheck(req: BootCheckRequest): Promise<BootCheckResult> {
  try {
    return await bootOnce(req);
  } catch (err) {
    if (!(err instanceof BootCheckError) || !err.kernelPanic) throw err;
    req.progress?.(1, 'the guest kernel panicked; booting once more to tell an emulator fault from an image fault');
    return await bootOnce(req);
  }
}

async function bootOnce(req: BootCheckRequest): Promise<BootCheckResult> {
  const report = req.progress ?? (() => undefined);
  await mkdir(req.scratchDir, { recursive: true });
  const copiedAsIs = req.sourceFormat === 'raw' || req.sourceFormat === 'vpc';
  const copy = join(req.scratchDir, copiedAsIs ? `verify.${req.sourceFormat}` : 'verify.raw');
  await rm(copy, { force: true });
  report(1, 'preparing a throwaway copy of the disk');
  if (req.sourceFormat === 'vpc') await requireFixedVhd(req.sourceDisk);
  if (copiedAsIs) await req.exec('cp', ['--sparse=always', req.sourceDisk, copy]);
  else await req.exec('qemu-img', ['convert', '-f', req.sourceFormat, '-O', 'raw', req.sourceDisk, copy], { quiet: true });
  await injectGuestCheck(req.exec, copy, req.scratchDir, req.expectations);
  let bootDisk = copy;
  let bootFormat: QemuBootRequest['diskFormat'] = copiedAsIs ? req.sourceFormat : 'raw';
  const reencode = REENCODED[req.sourceFormat as keyof typeof REENCODED] as readonly string[] | undefined;
  if (reencode) {
    // debugfs writes raw offsets, so the check goes into a raw copy first; QEMU then boots it
    // re-encoded in the source's own format, so QEMU's reader of that format is what boots
    const format = req.sourceFormat as keyof typeof REENCODED;
    bootDisk = join(req.scratchDir, `verify.${format}`);
    bootFormat = format;
    await rm(bootDisk, { force: true });
    await req.exec('qemu-img', ['convert', '-f', 'raw', '-O', format, ...reencode, copy, bootDisk], { quiet: true });
    await rm(copy, { force: true });
  }

  const serialLog = join(req.scratchDir, `serial-${req.hardware}-${req.firmware}.log`);
  await rm(serialLog, { force: true });
  let uefiVars: string | undefined;
  if (req.firmware === 'uefi') {
    uefiVars = join(req.scratchDir, 'OVMF_VARS.fd');
    await copyFile(OVMF_VARS, uefiVars);
  }
  const pidFile = join(req.scratchDir, 'qemu.pid');
  await rm(pidFile, { force: true });
  // the Cluster API bootstrap data rides in the same boot as the node checks: no second boot
  const bootstrap = req.expectations.capiBootstrap;
  const seedIso = bootstrap ? await writeNoCloudSeed(req.exec, req.scratchDir, capiBootstrapSeed(bootstrap)) : undefined;
  const args = qemuBootArgs({
    disk: bootDisk,
    diskFormat: bootFormat,
    firmware: req.firmware,
    hardware: req.hardware,
    serialLog,
    uefiVars,
    pidFile,
    seedIso,
    accel: req.accel,
    memoryMiB: req.tuning?.memoryMiB,
    cpus: req.tuning?.cpus,
    devices: req.tuning?.devices,
    cpuModel: req.tuning?.cpuModel,
  });

  const started = Date.now();
  const watcher = watchSerial(serialLog, pidFile, report, !req.tuning?.waitForPoweroff);
  try {
    await req.exec('qemu-system-x86_64', args, { timeoutMs: req.timeoutMs });
  } catch (err) {
    // ended by the watcher (results read, or a panic): the console below tells what happened
    if (!watcher.endedGuest()) throw await bootFailure(err, serialLog, req.timeoutMs);
  } finally {
    watcher.stop();
    await rm(bootDisk, { force: true });
  }
  const text = await readText(serialLog);
  const results = parseSerialResults(text);
  if (!results.done && KERNEL_PANIC.test(text)) throw new BootCheckError('the guest kernel panicked before reporting its checks', tail(text), true);
  if (!results.done) throw new BootCheckError('the guest powered off without reporting its checks', tail(text));
  if (results.expectedCount !== undefined && results.checks.length !== results.expectedCount) {
    throw new BootCheckError(`the guest reported ${results.checks.length} of ${results.expectedCount} checks (console output garbled)`, tail(text));
  }
  report(100, 'boot check finished');
  return { checks: results.checks, serialLog, bootMs: Date.now() - started };
}

/** A dynamic VHD starts with a copy of its footer; only a fixed one has the raw disk's layout. */
async function requireFixedVhd(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    if (head.toString('latin1') === 'conectix') throw new Error(`${path} is a dynamic VHD; the boot check takes fixed VHDs only`);
  } finally {
    await handle.close();
  }
}

async function bootFailure(err: unknown, serialLog: string, timeoutMs: number): Promise<BootCheckError> {
  const text = await readText(serialLog);
  const timedOut = err instanceof Error && /timed out/.test(err.message);
  return new BootCheckError(
    timedOut
      ? `boot check timed out after ${Math.round(timeoutMs / 1000)} s; qemu was killed`
      : `qemu failed: ${err instanceof Error ? err.message : String(err)}`,
    tail(text),
  );
}

/**
 * Follows the console for progress, and ends qemu once the guest has reported all its checks
 * (its own poweroff takes several more seconds under software emulation and proves nothing
 * the check reads), or when the guest panicked and stays down. The verify copy's
 * kernel.panic = 1 only takes effect once systemd-sysctl has run; a panic before that halts
 * the guest for good, and without this the boot would sit out its whole timeout (seven
 * minutes in CI) before the one retry a panic gets.
 */
function watchSerial(
  path: string,
  pidFile: string,
  report: (percent: number, message: string) => void,
  endAtReport: boolean,
): { stop(): void; endedGuest(): boolean } {
  let reached = 0;
  let panicSeenAt: number | undefined;
  let ended = false;
  const timer = setInterval(() => {
    void readText(path).then(async (text) => {
      for (const [pattern, percent, message] of BOOT_MILESTONES) {
        if (percent > reached && pattern.test(text)) {
          reached = percent;
          report(percent, message);
        }
      }
      if (ended) return;
      if (endAtReport && parseSerialResults(text).done) {
        ended = await endProcessFromPidFile(pidFile);
        return;
      }
      if (!KERNEL_PANIC.test(text)) return;
      panicSeenAt ??= Date.now();
      if (PANIC_END.test(text) || Date.now() - panicSeenAt >= PANIC_GRACE_MS) ended = await endProcessFromPidFile(pidFile);
    });
  }, SERIAL_POLL_MS);
  return { stop: () => clearInterval(timer), endedGuest: () => ended };
}

async function endProcessFromPidFile(pidFile: string): Promise<boolean> {
  const pid = Number.parseInt(await readText(pidFile), 10);
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 'SIGTERM');
    return true;
  } catch {
    return false; // already gone: it rebooted, which -no-reboot turned into an exit
  }
}

async function readText(path: string): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      return (await handle.readFile()).toString('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

/** The last console lines, without terminal escape sequences, for error reports. */
export function tail(text: string, lines = 25): string[] {
  return (
    text
      // eslint-disable-next-line no-control-regex -- ANSI escapes are exactly control characters
      .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter((l) => l.length > 0)
      .slice(-lines)
  );
}
