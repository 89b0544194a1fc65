import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildDetail } from '../../src/spec/build-api.ts';
import type { BuildEvent } from '../../src/spec/build-events.ts';
import { workerListSchema } from '../../src/spec/workers-api.ts';
import { isAlive } from '../builds/process-tree.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import {
  artifactFiles,
  buildThrough,
  killAndRemove,
  startServeProcess,
  startWorkerProcess,
  submitTo,
  untilBuild,
  type FleetProcess,
} from '../testing/scripted-fleet.ts';
import { openSse } from '../testing/sse-client.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { startTestS3, type TestS3 } from '../testing/test-s3.ts';
import { waitFor } from '../testing/wait-for.ts';

const bucket = 'stamper-fleet';
const prefix = 'fleet';
/** The bytes the scripted runner writes as workers.raw. */
const rawBytes = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => i % 251));

const missing = await postgresMissing();
if (missing) console.warn(`skipping the multi-machine simulation: ${missing}`);

const finished = (build: BuildDetail) => build.state !== 'queued' && build.state !== 'running';
const states = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
const pidOfWorker = (id: string) => Number(id.split('/')[1]);

async function eventsThrough(api: { base: string }, id: string): Promise<BuildEvent[]> {
  const stream = await openSse(`${api.base}/api/builds/${id}/events`);
  await stream.ended;
  return stream.messages.map((m) => JSON.parse(m.data) as BuildEvent);
}

/**
 * The scale-out setup as on separate machines, here on one: two API processes and two
 * workers, each with a private temporary data directory, sharing nothing but a real
 * Postgres and a real S3 server (s3rver). Leases are the queue's shortest (10 s) and a
 * build whose worker is lost is built once more (STAMPER_BUILD_RETRIES=1).
 */
describe.skipIf(missing !== null)('two API processes and two workers sharing only Postgres and S3', () => {
  let postgres: TestPostgres;
  let s3: TestS3;
  let api1: FleetProcess & { base: string };
  let api2: FleetProcess & { base: string };
  let workers: FleetProcess[] = [];

  beforeAll(async () => {
    [postgres, s3] = await Promise.all([startTestPostgres(), startTestS3(bucket)]);
    const env = {
      STAMPER_DATABASE_URL: await postgres.createDatabase('fleet'),
      ...s3.env(prefix),
      STAMPER_WORKER_HEARTBEAT_SECONDS: '1',
      STAMPER_BUILD_RETRIES: '1',
    };
    // one at a time: the first migrates, the others find the schema ready
    api1 = await startServeProcess(env);
    api2 = await startServeProcess(env);
    workers = [await startWorkerProcess(env), await startWorkerProcess(env)];
  }, 120_000);

  afterAll(async () => {
    await killAndRemove([api1, api2, ...workers]);
    await Promise.all([postgres?.stop(), s3?.stop()]);
  });

  const listWorkers = async (api: { base: string }) => workerListSchema.parse(await (await fetch(`${api.base}/api/workers`)).json()).items;

  it('lists both workers (not the API processes) and builds what either API process accepts, each build once', async () => {
    const listed = await listWorkers(api2);
    expect(listed.map((w) => w.pid).sort()).toEqual(workers.map((w) => w.child.pid).sort());
    const submitted = await Promise.all(Array.from({ length: 6 }, (_, i) => submitTo(i % 2 === 0 ? api1 : api2, scenarioSpec('quick', 200 + i))));
    const done = await Promise.all(submitted.map((build) => untilBuild(i2(build.id), build.id, finished)));
    for (const build of done) {
      expect(build.state).toBe('succeeded');
      expect(workers.map((w) => w.child.pid)).toContain(pidOfWorker(build.worker ?? ''));
      // claimed once: one "running" in its whole history
      expect(states(await eventsThrough(api1, build.id))).toEqual(['queued', 'running', 'succeeded']);
    }
    // nothing reached any process's disk: the files are in the bucket only
    for (const each of [api1, api2, ...workers]) expect(artifactFiles(each.dataDir)).toEqual([]);
    expect(await s3.keys(`${prefix}/${done[0]?.id}/`)).toContain(`${prefix}/${done[0]?.id}/workers.raw`);
  }, 60_000);

  // alternate the API process a build is read through from the one it was sent to
  const i2 = (id: string) => (id.charCodeAt(0) % 2 === 0 ? api2 : api1);

  it('streams a build accepted by API 1 through API 2, gap-free, to its end', async () => {
    const build = await submitTo(api1, scenarioSpec('stream', 210));
    const events = await eventsThrough(api2, build.id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
    expect(events.filter((e) => e.type === 'log')).toHaveLength(300);
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'succeeded' });
  }, 60_000);

  it('records a build interrupted when its worker is killed -9, builds it again on the other worker, never both at once', async () => {
    const lost = await submitTo(api1, scenarioSpec('long', 220));
    const stream = await openSse(`${api2.base}/api/builds/${lost.id}/events`);
    await waitFor('the build to start', async () => (stream.messages.some((m) => m.data.includes('line 20')) ? true : undefined));
    const pidLine = stream.messages.map((m) => JSON.parse(m.data) as BuildEvent).find((e) => e.type === 'log' && e.line.startsWith('pids '));
    const buildPid = Number(pidLine?.type === 'log' ? pidLine.line.split(' ')[1] : NaN);
    const running = await buildThrough(api2, lost.id);
    const victim = workers.find((w) => w.child.pid === pidOfWorker(running.worker ?? ''));
    const survivor = workers.find((w) => w !== victim);
    if (!victim || !survivor) throw new Error(`build ${lost.id} runs on no worker of this fleet: ${running.worker}`);
    victim.child.kill('SIGKILL');

    // watch, every 100 ms until the retry ends, whether the lost build's process lives while a retry runs
    let overlap = false;
    let retry: BuildDetail | undefined;
    const watching = (async () => {
      for (;;) {
        const list = (await (await fetch(`${api1.base}/api/builds?sort=newest&pageSize=20`)).json()) as { items: { id: string }[] };
        for (const item of list.items) {
          if (retry) break;
          const candidate = await buildThrough(api1, item.id);
          if (candidate.retryOf === lost.id) retry = candidate;
        }
        if (retry) {
          retry = await buildThrough(api1, retry.id);
          if (retry.state === 'running' && isAlive(buildPid)) overlap = true;
          if (finished(retry)) return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await stream.ended;
    const interrupted = await buildThrough(api2, lost.id);
    expect(interrupted.state).toBe('interrupted');
    expect(interrupted.error).toContain(`its worker ${running.worker} stopped renewing`);
    expect(interrupted.error).toContain('built again on another worker as attempt 2 of 2');
    expect(isAlive(buildPid)).toBe(false);
    await watching;
    expect(retry).toMatchObject({ state: 'succeeded', retryOf: lost.id });
    expect(pidOfWorker(retry?.worker ?? '')).toBe(survivor.child.pid);
    expect(overlap).toBe(false);
    expect(states(await eventsThrough(api2, retry?.id ?? ''))).toEqual(['queued', 'running', 'succeeded']);
    expect(states(await eventsThrough(api1, lost.id))).toEqual(['queued', 'running', 'interrupted']);
    workers = [survivor];
  }, 120_000);

  it('holds new builds while the remaining worker is drained, and builds them once it is resumed', async () => {
    // the killed worker is still listed (stale) until an admin forgets it: drain the one alive
    const worker = (await listWorkers(api1)).find((w) => w.pid === workers[0]?.child.pid);
    if (!worker) throw new Error('the remaining worker is not listed');
    expect(worker.state).toBe('active');
    const path = `/api/workers/${encodeURIComponent(worker.id)}`;
    expect((await fetch(`${api2.base}${path}/drain`, { method: 'POST' })).status).toBe(200);
    const held = await submitTo(api1, scenarioSpec('quick', 230));
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await buildThrough(api2, held.id)).state).toBe('queued');
    expect((await fetch(`${api1.base}${path}/resume`, { method: 'POST' })).status).toBe(200);
    expect((await untilBuild(api2, held.id, finished)).state).toBe('succeeded');
  }, 60_000);

  it('downloads an artifact by Range through either API process, from the bucket alone', async () => {
    const built = await untilBuild(api1, (await submitTo(api2, scenarioSpec('quick', 240))).id, finished);
    const sha = createHash('sha256').update(rawBytes).digest('hex');
    for (const api of [api1, api2]) {
      const ranged = await fetch(`${api.base}/api/builds/${built.id}/artifacts/workers.raw`, { headers: { range: 'bytes=4096-8191' } });
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('etag')).toBe(`"${sha}"`);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(rawBytes.subarray(4096, 8192))).toBe(true);
    }
    for (const each of [api1, api2, ...workers]) expect(artifactFiles(each.dataDir)).toEqual([]);
  }, 60_000);
});
