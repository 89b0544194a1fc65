import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { newBuild } from '../../testing/store-contract.ts';
import { postgresMissing } from '../../testing/postgres.ts';
import { postgresPerTest } from '../../testing/postgres-per-test.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { PostgresStore } from '../../store/postgres/postgres-store.ts';
import { PgBossQueue, type LostBuild } from './pg-boss-queue.ts';

const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const claimerScript = path.join(import.meta.dirname, '..', '..', 'testing', 'queue-claimer.ts');

const missing = await postgresMissing();
if (missing) console.warn(`skipping the pg-boss queue tests: ${missing}`);

describe.skipIf(missing !== null)('the build queue on Postgres (pg-boss)', () => {
  const freshDatabase = postgresPerTest('queue');
  const closing: (() => Promise<void>)[] = [];
  // after hooks run last-registered first: the queues close before the server stops
  afterAll(async () => {
    for (const close of closing.reverse()) await close();
  });

  /** One process's view: its own store connection and its own queue instance. */
  async function open(url: string, onLost?: (lost: LostBuild) => Promise<void>) {
    const store = new PostgresStore(url);
    const queue = new PgBossQueue({ databaseUrl: url, store, leaseSeconds: 10, buildTimeoutSeconds: 600, superviseSeconds: 1, warn: () => undefined });
    if (onLost) queue.handleLost(onLost);
    await queue.start();
    closing.push(async () => {
      await queue.stop();
      await store.close();
    });
    return { store, queue };
  }

  it('hands each enqueued build to exactly one of two processes claiming at once', async () => {
    const url = await freshDatabase();
    const a = await open(url);
    const b = await open(url);
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const { row } = await a.store.createOrReuse(await newBuild(100 + i), false);
      await (i % 2 === 0 ? a : b).queue.enqueue(row.id);
      ids.push(row.id);
    }
    const claimAll = async (side: typeof a, owner: string) => {
      const got: string[] = [];
      for (let claimed = await side.queue.claim(owner); claimed; claimed = await side.queue.claim(owner)) {
        got.push(claimed.row.id);
        expect(claimed.row).toMatchObject({ state: 'running', owner });
        await claimed.lease.release();
      }
      return got;
    };
    const [fromA, fromB] = await Promise.all([claimAll(a, 'a'), claimAll(b, 'b')]);
    expect([...fromA, ...fromB].sort()).toEqual([...ids].sort());
    expect(new Set([...fromA, ...fromB]).size).toBe(12);
  });

  it('passes over a build canceled while it waited', async () => {
    const url = await freshDatabase();
    const { store, queue } = await open(url);
    const canceled = (await store.createOrReuse(await newBuild(120), false)).row;
    const next = (await store.createOrReuse(await newBuild(121), false)).row;
    await queue.enqueue(canceled.id);
    await queue.enqueue(next.id);
    await store.cancelIfQueued(canceled.id);
    const claimed = await queue.claim('me');
    expect(claimed?.row.id).toBe(next.id);
    await claimed?.lease.release();
    expect(await queue.claim('me')).toBeUndefined();
    expect((await store.getRow(canceled.id))?.state).toBe('canceled');
  });

  it('puts back a build a worker drained meanwhile fetched, for another worker to claim', async () => {
    const url = await freshDatabase();
    const { store, queue } = await open(url);
    const registration = { host: 'h', pid: 1, capacity: 1, heartbeatSeconds: 5 };
    await store.registerWorker({ id: 'drained', ...registration });
    await store.registerWorker({ id: 'active', ...registration });
    await store.setWorkerDraining('drained', true);
    const { row } = await store.createOrReuse(await newBuild(125), false);
    await queue.enqueue(row.id);
    expect(await queue.claim('drained')).toBeUndefined();
    expect((await store.getRow(row.id))?.state).toBe('queued');
    const claimed = await queue.claim('active');
    expect(claimed?.row).toMatchObject({ id: row.id, owner: 'active' });
    await claimed?.lease.release();
    expect(await queue.claim('active')).toBeUndefined();
  });

  it('gives a build whose claiming process was killed -9 to the lost handler, once, after its lease lapsed', async () => {
    const url = await freshDatabase();
    const lost: LostBuild[] = [];
    const { store, queue } = await open(url, async (build) => {
      lost.push(build);
    });
    // a second process watching the same dead letters: still one call in all
    const other: LostBuild[] = [];
    await open(url, async (build) => {
      other.push(build);
    });
    const claimer = spawn(process.execPath, ['--import', tsx, claimerScript, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: claimer.stdout });
    const claimedIds: string[] = [];
    const ready = new Promise<void>((resolve) => lines.on('line', (line) => (line === 'ready' ? resolve() : claimedIds.push(line))));
    await ready;
    const { row } = await store.createOrReuse(await newBuild(130), false);
    await queue.enqueue(row.id);
    await waitFor('the claimer to take the build', async () => (claimedIds.includes(row.id) ? true : undefined));
    // held while the claimer lives: renewed leases outlast the 10 s a lapse takes
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect([...lost, ...other]).toEqual([]);
    expect(await queue.claim('me')).toBeUndefined();
    claimer.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor('the lost handler', async () => (lost.length + other.length > 0 ? true : undefined), 40_000);
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(5_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect([...lost, ...other]).toEqual([{ buildId: row.id, attempt: 1, reason: 'job heartbeat timeout' }]);
    expect((await store.getRow(row.id))?.owner).toBe(`queue-claimer/${claimer.pid}`);
  }, 90_000);
});
