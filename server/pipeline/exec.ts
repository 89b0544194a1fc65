import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { constants as osConstants, setPriority } from 'node:os';
import { StringDecoder } from 'node:string_decoder';

export interface ExecOptions {
  cwd?: string;
  /** Added to (not replacing) the runner's environment. */
  env?: Record<string, string>;
  input?: string | Buffer;
  timeoutMs?: number;
  /** Keep the whole stdout in the result (otherwise only the last lines are kept). */
  captureStdout?: boolean;
  /** Do not forward output lines to the log callback. */
  quiet?: boolean;
  /** Resolve with the exit code instead of throwing on non-zero. */
  allowFailure?: boolean;
  /** Sees every output line (also when quiet), e.g. to turn tool output into progress. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Run at the lowest CPU priority: for work beside the boot check, whose emulated guest
   * would otherwise lose a core to it on a machine with few.
   */
  lowPriority?: boolean;
}

export interface ExecResult {
  code: number;
  stdout: string;
  lastLines: string[];
}

export interface RunProcessOptions extends ExecOptions {
  signal?: AbortSignal;
}

const KEPT_LINES = 40;
/** How tools (through strerror(ENOSPC)) say the disk is full; the C locale is forced below. */
const NO_SPACE = /No space left on device/;
const KILL_GRACE_MS = 3000;

export class ExecError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly code: number | null,
    readonly lastLines: string[],
    readonly reason: 'exit' | 'timeout' | 'abort' | 'spawn',
    /** The tool said it ran out of space somewhere in its output (not only in the last lines). */
    readonly noSpace = false,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

/**
 * Spawns `command` with an argument array and no shell, so no spec value can ever
 * be interpreted by sh. The child leads its own process group (`detached`), which lets
 * abort and timeout kill everything it started (mmdebstrap's apt, qemu's helpers) with
 * one signal to `-pid`.
 */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<ExecResult> {
  const { signal } = options;
  return new Promise<ExecResult>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ExecError(`${command}: aborted before start`, command, null, [], 'abort'));
      return;
    }
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, LC_ALL: 'C.UTF-8', ...options.env },
      detached: true,
      shell: false,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (options.lowPriority && child.pid !== undefined) lowerPriority(child.pid);
    const lastLines: string[] = [];
    const stdoutChunks: string[] = [];
    let ended: 'timeout' | 'abort' | undefined;
    let killTimer: NodeJS.Timeout | undefined;

    const killGroup = (why: 'timeout' | 'abort'): void => {
      if (ended || child.pid === undefined || child.exitCode !== null) return;
      ended = why;
      signalGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      }, KILL_GRACE_MS);
      killTimer.unref();
    };
    const onAbort = (): void => killGroup('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = options.timeoutMs ? setTimeout(() => killGroup('timeout'), options.timeoutMs) : undefined;

    let noSpace = false;
    const keep = (line: string, stream: 'stdout' | 'stderr'): void => {
      if (!noSpace && NO_SPACE.test(line)) noSpace = true;
      lastLines.push(line);
      if (lastLines.length > KEPT_LINES) lastLines.shift();
      options.onLine?.(line, stream);
    };
    lineReader(
      child.stdout,
      (line) => keep(line, 'stdout'),
      (chunk) => {
        if (options.captureStdout) stdoutChunks.push(chunk);
      },
    );
    lineReader(child.stderr, (line) => keep(line, 'stderr'));

    child.stdin.on('error', () => undefined); // a child that exits early must not crash us with EPIPE
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();

    const finish = (): void => {
      signal?.removeEventListener('abort', onAbort);
      if (timeout) clearTimeout(timeout);
      if (killTimer) clearTimeout(killTimer);
    };
    child.on('error', (err) => {
      finish();
      reject(new ExecError(`${command}: ${err.message}`, command, null, lastLines, 'spawn'));
    });
    child.on('close', (code, sig) => {
      finish();
      const stdout = stdoutChunks.join('');
      if (ended === 'abort') {
        reject(new ExecError(`${command}: canceled`, command, code, lastLines, 'abort'));
      } else if (ended === 'timeout') {
        reject(new ExecError(`${command}: timed out after ${Math.round((options.timeoutMs ?? 0) / 1000)} s`, command, code, lastLines, 'timeout'));
      } else if (code !== 0 && !options.allowFailure) {
        reject(new ExecError(`${command} exited with ${code ?? sig}`, command, code, lastLines, 'exit', noSpace));
      } else {
        resolve({ code: code ?? -1, stdout, lastLines });
      }
    });
  });
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // the group is already gone
  }
}

function lineReader(stream: NodeJS.ReadableStream, onLine: (line: string) => void, onChunk?: (chunk: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  stream.on('data', (data: Buffer) => {
    const text = decoder.write(data);
    onChunk?.(text);
    pending += text;
    const parts = pending.split(/\r?\n|\r/);
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.length > 0) onLine(part);
    // a progress bar without newlines must not grow the buffer without bound
    if (pending.length > 64 * 1024) pending = pending.slice(-4096);
  });
  stream.on('end', () => {
    const rest = pending + decoder.end();
    if (rest.length > 0) onLine(rest);
  });
}

/**
 * nice 19 for the process, and for its scheduling autogroup: the child leads a session of
 * its own (detached), and with autogroups (Debian's default) each session shares the CPU
 * equally with every other, whatever its processes' nice values; only the group's own nice
 * ranks it against the boot check's QEMU. spawn returns after the child's setsid and exec,
 * so the group is the child's own. Either may be missing (no autogroup, an exited child).
 */
function lowerPriority(pid: number): void {
  try {
    setPriority(pid, osConstants.priority.PRIORITY_LOW);
  } catch {
    // already exited: nothing left to lower
  }
  try {
    writeFileSync(`/proc/${pid}/autogroup`, `${osConstants.priority.PRIORITY_LOW}\n`);
  } catch {
    // a kernel without autogroups, or the child already exited
  }
}
