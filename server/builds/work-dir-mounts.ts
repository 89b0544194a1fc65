import { execFile } from 'node:child_process';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** mountinfo escapes space, tab, newline and backslash as octal (`\040`). */
const unescapeMountPath = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/**
 * Mount points at or below `dir`, deepest first (for one path, the mount on top first),
 * as this process's mount namespace sees them. Build tools (mmdebstrap in root mode)
 * mount devpts, proc, sys and host directories inside the build's tree; a killed build
 * leaves them there.
 */
export async function mountsUnder(dir: string): Promise<string[]> {
  const root = await realpath(dir).catch(() => path.resolve(dir));
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((field): field is string => field !== undefined)
    .map(unescapeMountPath)
    .filter((point) => point === root || point.startsWith(`${root}/`));
  // Later lines are mounted later, so on equal depth the later one is on top.
  return points
    .map((point, order) => ({ point, order, depth: point.split('/').length }))
    .sort((a, b) => b.depth - a.depth || b.order - a.order)
    .map((m) => m.point);
}

/**
 * Unmounts everything mounted at or below `dir`, deepest first; a busy mount is
 * detached lazily. Returns the mount points that are still there, each with why.
 */
export async function unmountUnder(dir: string): Promise<string[]> {
  const stuck = new Map<string, string>();
  // Each pass unmounts one point and re-reads the table: a lazy detach takes its submounts along.
  for (let pass = 0; pass < 1000; pass += 1) {
    const next = (await mountsUnder(dir)).find((point) => !stuck.has(point));
    if (next === undefined) break;
    const failure = (await umount([next])) && (await umount(['--lazy', next]));
    if (failure) stuck.set(next, failure);
  }
  return [...stuck].map(([point, why]) => `${point} is still mounted (${why})`);
}

/** Runs umount with an argument array; returns its error text, or '' when it worked. */
async function umount(args: string[]): Promise<string> {
  try {
    await run('umount', [...args.slice(0, -1), '--', ...args.slice(-1)], { timeout: 30_000 });
    return '';
  } catch (error) {
    const stderr = (error as { stderr?: unknown }).stderr;
    const text = typeof stderr === 'string' && stderr.trim() ? stderr.trim() : error instanceof Error ? error.message : String(error);
    return text || 'umount failed';
  }
}
