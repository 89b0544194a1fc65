import { statfs } from 'node:fs/promises';
import { ExecError } from './exec';

/** A stage failed; carries what a user needs to see first: which stage and its last output. */
export class PipelineError extends Error {
  constructor(
    message: string,
    readonly stage: string,
    readonly lastLines: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PipelineError';
  }
}

/** The build was canceled through its AbortSignal. */
export class PipelineAbortError extends Error {
  constructor(readonly stage: string | undefined) {
    super(stage ? `build canceled during ${stage}` : 'build canceled');
    this.name = 'AbortError';
  }
}

/** Below this, a file system counts as full when a tool fails without saying why. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * Says "out of disk space in <dir>" for a stage that failed for lack of space: one of
 * our own writes failed with ENOSPC, a tool printed "No space left on device" (mmdebstrap
 * then only reports that unshare or apt exited with 100), or a tool failed while the file
 * system of one of `dirs` is full. `dirs` are the build's directories, most specific
 * first; the one named is the one holding the failed path, else the fullest.
 */
export async function outOfDiskSpace(err: unknown, stage: string, dirs: readonly string[], lastLines: string[]): Promise<PipelineError | undefined> {
  const failedPath = ownWriteOutOfSpace(err);
  const tool = execErrorIn(err);
  const toolSaidSo = tool?.noSpace === true;
  const free = await Promise.all(dirs.map(async (dir) => ({ dir, bytes: await freeForRoot(dir) })));
  const fullest = free.reduce<{ dir: string; bytes: number } | undefined>((min, d) => (min && min.bytes <= d.bytes ? min : d), undefined);
  let dir: string | undefined;
  if (failedPath !== undefined) dir = dirs.find((d) => failedPath === d || failedPath.startsWith(`${d}/`)) ?? fullest?.dir;
  else if (toolSaidSo) dir = fullest?.dir;
  else if (tool?.reason === 'exit' && fullest && fullest.bytes < NEARLY_FULL_BYTES) dir = fullest.dir;
  if (dir === undefined) return undefined;
  const lines = tool && tool.lastLines.length > 0 ? tool.lastLines : lastLines;
  return new PipelineError(`${stage}: out of disk space in ${dir}`, stage, lines, { cause: err });
}

/** A stage may wrap the failed tool's error; the tool's verdict is on the innermost one. */
function execErrorIn(err: unknown): ExecError | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (e instanceof ExecError) return e;
  return undefined;
}

/** The path of our own write that failed with ENOSPC ('' when the error names none). */
function ownWriteOutOfSpace(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const { code, path } = e as { code?: unknown; path?: unknown };
    if (code === 'ENOSPC') return typeof path === 'string' ? path : '';
  }
  return undefined;
}

/** Free bytes root can still write (the build runs as root, so reserved blocks count); Infinity when unknown. */
async function freeForRoot(dir: string): Promise<number> {
  try {
    const stats = await statfs(dir);
    return stats.bfree * stats.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
