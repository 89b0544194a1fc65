import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const serveScript = path.join(import.meta.dirname, 'serve-scripted.ts');

/** A real `serve` process (scripted runner, serve-scripted.ts) with a data dir of its own. */
export interface ServeReplica {
  child: ChildProcess;
  base: string;
  stop(): void;
}

/** Starts one on a free port; only the database (`STAMPER_DATABASE_URL` in `env`) is shared with others. */
export async function startServeReplica(options: { concurrency: number; env: NodeJS.ProcessEnv }): Promise<ServeReplica> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-replica-'));
  const child = spawn(process.execPath, ['--import', tsx, serveScript, '--port', '0', '--data-dir', dataDir, '--concurrency', String(options.concurrency)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...options.env },
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  for await (const line of createInterface({ input: child.stdout })) {
    const { port } = JSON.parse(line) as { port: number };
    return { child, base: `http://127.0.0.1:${port}`, stop };
  }
  stop();
  throw new Error('the replica exited before it listened');
}
