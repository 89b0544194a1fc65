import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { buildDetailSchema, createBuildResponseSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import { waitFor } from './wait-for.ts';

const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const serveScript = path.join(import.meta.dirname, 'serve-scripted.ts');
const workerScript = path.join(import.meta.dirname, 'worker-scripted.ts');

/** One "machine" of a simulated fleet: a real process with a private temporary data directory. */
export interface FleetProcess {
  child: ChildProcess;
  dataDir: string;
  /** Set for API processes. */
  base?: string;
}

/** An API process: a FleetProcess with the URL it listens on. */
export type ServeProcess = FleetProcess & { base: string };

function spawnWithOwnDir(script: string, args: string[], env: NodeJS.ProcessEnv, label: string) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `stamper-${label}-`));
  const child = spawn(process.execPath, ['--import', tsx, script, '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // only what the caller names is shared: the database URL and the object store
    env: { ...process.env, STAMPER_DATA_DIR: dataDir, ...env },
  });
  return { child, dataDir, lines: createInterface({ input: child.stdout }) };
}

/** `stamper serve` (scripted runner) on a free port; with `concurrency` 0 (the default) it answers the API and builds nothing. */
export async function startServeProcess(env: NodeJS.ProcessEnv, concurrency = 0): Promise<ServeProcess> {
  const { child, dataDir, lines } = spawnWithOwnDir(serveScript, ['--port', '0', '--concurrency', String(concurrency)], env, 'serve');
  for await (const line of lines) {
    const { port } = JSON.parse(line) as { port: number };
    return { child, dataDir, base: `http://127.0.0.1:${port}` };
  }
  rmSync(dataDir, { recursive: true, force: true });
  throw new Error('the serve process exited before it listened');
}

/** `stamper worker` (scripted runner). */
export async function startWorkerProcess(env: NodeJS.ProcessEnv): Promise<FleetProcess> {
  const { child, dataDir, lines } = spawnWithOwnDir(workerScript, [], env, 'worker');
  for await (const line of lines) if (line === 'ready') return { child, dataDir };
  rmSync(dataDir, { recursive: true, force: true });
  throw new Error('the worker did not start');
}

export async function killAndRemove(processes: (FleetProcess | undefined)[]): Promise<void> {
  for (const each of processes) {
    if (!each) continue;
    if (each.child.exitCode === null && each.child.signalCode === null) {
      const exited = new Promise((resolve) => each.child.once('exit', resolve));
      each.child.kill('SIGKILL');
      await exited;
    }
    rmSync(each.dataDir, { recursive: true, force: true });
  }
}

export async function submitTo(api: { base: string }, yaml: string): Promise<BuildDetail> {
  const response = await fetch(`${api.base}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: yaml });
  if (response.status >= 300) throw new Error(`submit answered ${response.status}: ${await response.text()}`);
  return createBuildResponseSchema.parse(await response.json()).build;
}

export async function buildThrough(api: { base: string }, id: string): Promise<BuildDetail> {
  return buildDetailSchema.parse(await (await fetch(`${api.base}/api/builds/${id}`)).json());
}

export function untilBuild(api: { base: string }, id: string, done: (build: BuildDetail) => boolean, timeoutMs = 30_000): Promise<BuildDetail> {
  return waitFor(
    `build ${id}`,
    async () => {
      const build = await buildThrough(api, id);
      return done(build) ? build : undefined;
    },
    timeoutMs,
  );
}

/** Every file under a data directory's artifacts/: empty when downloads can only have come from the bucket. */
export function artifactFiles(dataDir: string): string[] {
  const root = path.join(dataDir, 'artifacts');
  return existsSync(root)
    ? readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];
}
