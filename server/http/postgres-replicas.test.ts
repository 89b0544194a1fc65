import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema } from '../../src/spec/build-api.ts';
import type { BuildEvent } from '../../src/spec/build-events.ts';
import { isAlive } from '../builds/process-tree.ts';
import { freePort } from '../testing/oci-registry.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { openSse } from '../testing/sse-client.ts';
import { testConfig } from '../testing/test-app.ts';
import { killAndRemove, startServeProcess, startWorkerProcess, type FleetProcess, type ServeProcess } from '../testing/scripted-fleet.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { createServerApp } from './start-server.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres replica tests: ${missing}`);

/** Leases of 10 s (the queue's least) and no retries: a lost build is recorded interrupted, and that is all. */
const replicaEnvironment = (databaseUrl: string) => ({
  STAMPER_DATABASE_URL: databaseUrl,
  STAMPER_WORKER_HEARTBEAT_SECONDS: '1',
  STAMPER_BUILD_RETRIES: '0',
});

/** A real `serve` process (scripted runner) with a data dir of its own; only the database is shared. */
const startReplica = (databaseUrl: string, concurrency: number) => startServeProcess(replicaEnvironment(databaseUrl), concurrency);
/** A real `worker` process (scripted runner), likewise with a data dir of its own. */
const startWorker = (databaseUrl: string) => startWorkerProcess(replicaEnvironment(databaseUrl));

async function submit(replica: ServeProcess, yaml: string) {
  const response = await fetch(`${replica.base}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: yaml });
  return createBuildResponseSchema.parse(await response.json());
}

async function detail(replica: ServeProcess, id: string) {
  return buildDetailSchema.parse(await (await fetch(`${replica.base}/api/builds/${id}`)).json());
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const parse = (data: string) => JSON.parse(data) as BuildEvent;

/**
 * Two API processes on one real Postgres, nothing else shared: A runs builds, B only
 * answers the API (concurrency 0). What B shows of a build A runs comes from Postgres.
 */
describe.skipIf(missing !== null)('two API processes on one Postgres', () => {
  let server: TestPostgres;
  let url: string;
  let a: ServeProcess;
  let b: ServeProcess;
  let worker: FleetProcess | undefined;
  beforeAll(async () => {
    server = await startTestPostgres();
    url = await server.createDatabase('replicas');
    [a, b] = await Promise.all([startReplica(url, 1), startReplica(url, 0)]);
  }, 60_000);
  afterAll(async () => {
    await killAndRemove([a, b, worker]);
    await server?.stop();
  });

  it('makes one build of a spec submitted to both at once', async () => {
    const yaml = scenarioSpec('quick', 150);
    const results = await Promise.all([a, b, a, b, a, b].map((replica) => submit(replica, yaml)));
    expect(new Set(results.map((r) => r.build.id)).size).toBe(1);
    expect(results.filter((r) => !r.reused)).toHaveLength(1);
  });

  it('streams over B, gap-free, the events of a build A runs, and resumes over A after a Last-Event-ID', async () => {
    const created = await submit(b, scenarioSpec('stream', 151));
    const id = created.build.id;
    const viaB = await openSse(`${b.base}/api/builds/${id}/events`);
    await viaB.ended;
    const events = viaB.messages.map((m) => parse(m.data));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(viaB.messages.map((m) => m.id)).toEqual(events.map((e) => String(e.seq)));
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'succeeded' });
    expect(events.length).toBeGreaterThan(5);
    // A ran it (B runs nothing): its artifacts are on A's disk, not B's
    expect((await detail(b, id)).artifacts.length).toBeGreaterThan(0);

    const half = Math.floor(events.length / 2);
    const resumed = await openSse(`${a.base}/api/builds/${id}/events`, { headers: { 'last-event-id': String(half) } });
    await resumed.ended;
    expect(resumed.messages.map((m) => parse(m.data))).toEqual(events.slice(half));
  });

  it('shows B cancel a build A runs, and B record it interrupted when A is killed -9 mid-build', async () => {
    const canceled = await submit(b, scenarioSpec('hang', 152));
    await waitUntil(async () => (await detail(b, canceled.build.id)).state === 'running');
    await fetch(`${b.base}/api/builds/${canceled.build.id}/cancel`, { method: 'POST' });
    await waitUntil(async () => (await detail(b, canceled.build.id)).state === 'canceled');

    const killed = await submit(b, scenarioSpec('hang', 153));
    const stream = await openSse(`${b.base}/api/builds/${killed.build.id}/events`);
    await waitUntil(() => stream.messages.some((m) => m.data.includes('tick 3')));
    const pidsLine = stream.messages.map((m) => parse(m.data)).find((e) => e.type === 'log' && e.line.startsWith('pids '));
    const pids = pidsLine?.type === 'log' ? pidsLine.line.split(' ').slice(1).map(Number) : [];
    a.child.kill('SIGKILL');
    await new Promise((resolve) => a.child.once('exit', resolve));
    // A's queue lease lapses (no pid is looked at: A could be on another machine), and B records the build
    await stream.ended;
    const last = parse(stream.messages.at(-1)?.data ?? '{}');
    expect(last).toMatchObject({ type: 'state', state: 'interrupted', reason: expect.stringContaining('stopped renewing') });
    expect(last.type === 'state' && last.reason).toContain('not built again: STAMPER_BUILD_RETRIES=0');
    expect((await detail(b, killed.build.id)).state).toBe('interrupted');
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 5000);

    // with A gone nothing builds, until a `stamper worker` on the same Postgres takes the queue
    const queued = await submit(b, scenarioSpec('quick', 154));
    expect(queued.build.state).toBe('queued');
    worker = await startWorker(url);
    await waitUntil(async () => (await detail(b, queued.build.id)).state === 'succeeded');
  }, 90_000);
});

describe('a server whose Postgres does not answer', () => {
  it('does not start, and says why', async () => {
    const config = testConfig({ databaseUrl: `postgres://stamper:x@127.0.0.1:${await freePort()}/stamper`, preflight: false });
    try {
      await expect(createServerApp(config, { runner: scriptedRunner() })).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      config.cleanup();
    }
  });
});
