import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema } from '../../src/spec/build-api.ts';
import { workerListSchema, type Worker } from '../../src/spec/workers-api.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { waitFor } from '../testing/wait-for.ts';

const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const serveScript = path.join(import.meta.dirname, '..', 'testing', 'serve-scripted.ts');
const workerScript = path.join(import.meta.dirname, '..', 'testing', 'worker-scripted.ts');
const HEARTBEAT_SECONDS = 0.3;

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres workers tests: ${missing}`);

interface Started {
  child: ChildProcess;
  dataDir: string;
}

/** A real process (scripted runner) with a data dir of its own; only Postgres is shared. */
function start(script: string, databaseUrl: string, args: string[]): { child: ChildProcess; dataDir: string; lines: AsyncIterator<string> } {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-workers-'));
  const child = spawn(process.execPath, ['--import', tsx, script, '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, STAMPER_DATABASE_URL: databaseUrl, STAMPER_WORKER_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS) },
  });
  return { child, dataDir, lines: createInterface({ input: child.stdout ?? process.stdin })[Symbol.asyncIterator]() };
}

async function startApi(databaseUrl: string): Promise<Started & { base: string }> {
  const { child, dataDir, lines } = start(serveScript, databaseUrl, ['--port', '0', '--concurrency', '0']);
  const first = await lines.next();
  if (first.done) throw new Error('the API process did not start');
  return { child, dataDir, base: `http://127.0.0.1:${(JSON.parse(first.value) as { port: number }).port}` };
}

async function startWorker(databaseUrl: string): Promise<Started> {
  const { child, dataDir, lines } = start(workerScript, databaseUrl, ['--concurrency', '1']);
  for (let line = await lines.next(); !line.done; line = await lines.next()) if (line.value === 'ready') return { child, dataDir };
  throw new Error('worker did not start');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An API-only process and two `stamper worker` processes, each with its own data dir, on one
 * real Postgres: the workers API of the API process shows the workers, and a drain set
 * through it reaches a worker through the database alone.
 */
describe.skipIf(missing !== null)('workers on Postgres, listed and drained through an API process', () => {
  let server: TestPostgres;
  let url: string;
  let api: Started & { base: string };
  let first: Started;
  let second: Started;
  beforeAll(async () => {
    server = await startTestPostgres();
    url = await server.createDatabase('workers');
    api = await startApi(url);
    [first, second] = await Promise.all([startWorker(url), startWorker(url)]);
  }, 60_000);
  afterAll(async () => {
    for (const started of [api, first, second]) {
      if (!started) continue;
      if (started.child.exitCode === null && started.child.signalCode === null) started.child.kill('SIGKILL');
      rmSync(started.dataDir, { recursive: true, force: true });
    }
    await server?.stop();
  });

  const list = async (): Promise<Worker[]> => workerListSchema.parse(await (await fetch(`${api.base}/api/workers`)).json()).items;
  const workerOf = async (started: Started) => (await list()).find((w) => w.pid === started.child.pid);
  const post = (id: string, action: 'drain' | 'resume') => fetch(`${api.base}/api/workers/${encodeURIComponent(id)}/${action}`, { method: 'POST' });
  const submit = async (sizeGiB: number) => {
    const response = await fetch(`${api.base}/api/builds`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: scenarioSpec('quick', sizeGiB),
    });
    return createBuildResponseSchema.parse(await response.json()).build.id;
  };
  const stateOf = async (id: string) => buildDetailSchema.parse(await (await fetch(`${api.base}/api/builds/${id}`)).json()).state;
  /** Who ran a build, read from the database itself: the API does not say. */
  const ownerOf = async (id: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<{ owner: string }>('SELECT owner FROM builds WHERE id = $1', [id])).rows[0]?.owner;
    } finally {
      await client.end();
    }
  };

  it('lists both workers (not the API-only process), holds queued builds while both are drained, and builds them on the one resumed', async () => {
    const [one, two] = await Promise.all([waitFor('first worker', () => workerOf(first)), waitFor('second worker', () => workerOf(second))]);
    expect((await list()).map((w) => w.pid).sort()).toEqual([first.child.pid, second.child.pid].sort());
    expect([one.capacity, two.capacity, one.state, two.state]).toEqual([1, 1, 'active', 'active']);

    for (const worker of [one, two]) expect((await post(worker.id, 'drain')).status).toBe(200);
    const waiting = [await submit(160), await submit(161)];
    // several polls of both workers, with capacity free and builds queued
    await sleep(1500);
    expect(await Promise.all(waiting.map(stateOf))).toEqual(['queued', 'queued']);
    expect((await list()).map((w) => w.state)).toEqual(['draining', 'draining']);
    const metrics = await (await fetch(`${api.base}/metrics`)).text();
    for (const worker of [one, two]) expect(metrics).toContain(`stamper_worker_draining{worker="${worker.id}",host="${worker.host}"} 1`);

    expect((await post(one.id, 'resume')).status).toBe(200);
    for (const id of waiting) await waitFor(`${id} succeeded`, async () => ((await stateOf(id)) === 'succeeded' ? true : undefined));
    expect(await Promise.all(waiting.map(ownerOf))).toEqual([one.id, one.id]);
    expect((await workerOf(second))?.state).toBe('draining');
  });

  it('shows a worker killed with kill -9 as stale and forgets one stopped cleanly', async () => {
    const killed = await waitFor('second worker', () => workerOf(second));
    second.child.kill('SIGKILL');
    await waitFor('the killed worker stale', async () => ((await workerOf(second))?.state === 'stale' ? true : undefined));
    const stopped = await waitFor('first worker', () => workerOf(first));
    first.child.kill('SIGTERM');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect((await list()).map((w) => w.id)).toEqual([killed.id]);
    expect((await post(stopped.id, 'drain')).status).toBe(404);
  });
});
