import { spawn } from 'node:child_process';

export interface PackerRun {
  status: number | null;
  /** The last 256 KiB of packer's stdout and stderr, interleaved as they came. */
  output: string;
}

/**
 * Runs packer without blocking this process (the guest it boots downloads from a stand-in
 * served by the caller's own event loop), its output kept, killed at the deadline.
 */
export function runPacker(args: string[], cwd: string, timeoutMs: number): Promise<PackerRun> {
  return new Promise((resolve) => {
    const child = spawn('packer', args, { cwd, env: { ...process.env, CHECKPOINT_DISABLE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-256 * 1024);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}
