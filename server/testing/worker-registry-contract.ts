import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store, WorkerRegistration } from '../store/store.ts';
import { newBuild, type StoreLocation } from './store-contract.ts';

const worker = (id: string, capacity = 2): WorkerRegistration => ({ id, host: 'builder-1', pid: 4242, capacity, heartbeatSeconds: 5 });

const later = (before: string, after: string) => Date.parse(after) > Date.parse(before);

/**
 * The worker registry, the same on SQLite and Postgres: register, heartbeat, list with the
 * running builds each worker owns, drain and resume, deregister; and a drain set by one
 * connection seen by the worker's own.
 */
export function workerRegistryContract(kind: string, fresh: () => Promise<StoreLocation>): void {
  describe(`${kind} worker registry contract`, () => {
    let at: StoreLocation;
    let store: Store;
    beforeEach(async () => {
      at = await fresh();
      store = at.open();
    });
    afterEach(async () => {
      await store.close();
      await at.cleanup();
    });

    it('lists registered workers with their capacity and the running builds they own', async () => {
      await store.registerWorker(worker('host-a/1/100', 2));
      await store.registerWorker(worker('host-b/2/200', 1));
      const first = (await store.createOrReuse(await newBuild(20), false)).row;
      const second = (await store.createOrReuse(await newBuild(21), false)).row;
      const third = (await store.createOrReuse(await newBuild(22), false)).row;
      expect((await store.claimNextQueued('host-a/1/100'))?.row.id).toBe(first.id);
      expect((await store.claimNextQueued('host-b/2/200'))?.row.id).toBe(second.id);
      expect((await store.claimNextQueued('host-a/1/100'))?.row.id).toBe(third.id);
      // a finished build is no longer something the worker runs
      await store.finish(third.id, 'succeeded');

      const listed = await store.listWorkers();
      expect(listed.map((w) => [w.id, w.capacity, w.running, w.draining])).toEqual([
        ['host-a/1/100', 2, [first.id], false],
        ['host-b/2/200', 1, [second.id], false],
      ]);
      expect(listed[0]).toMatchObject({ host: 'builder-1', pid: 4242, heartbeatSeconds: 5 });
      expect(listed[0]?.startedAt).toBe(listed[0]?.heartbeatAt);
    });

    it('moves the heartbeat on and keeps the start time; a worker not registered is told so', async () => {
      await store.registerWorker(worker('w/1/1'));
      const [registered] = await store.listWorkers();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await store.heartbeatWorker('w/1/1')).toBe(true);
      const [beaten] = await store.listWorkers();
      expect(beaten?.startedAt).toBe(registered?.startedAt);
      expect(later(registered?.heartbeatAt ?? '', beaten?.heartbeatAt ?? '')).toBe(true);
      // the age is the database's own measure, so it grows while nobody beats
      expect(beaten?.secondsSinceHeartbeat).toBeGreaterThanOrEqual(0);
      expect(beaten?.secondsSinceHeartbeat).toBeLessThan(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await store.listWorkers())[0]?.secondsSinceHeartbeat).toBeGreaterThanOrEqual(0.25);
      expect(await store.heartbeatWorker('nobody/0/0')).toBe(false);
      expect(await store.listWorkers()).toHaveLength(1);
    });

    it('drains and resumes a worker, seen through another connection, and keeps a drain when it registers again', async () => {
      await store.registerWorker(worker('w/1/1'));
      const admin = at.open();
      try {
        expect(await store.workerDraining('w/1/1')).toBe(false);
        expect(await admin.setWorkerDraining('w/1/1', true)).toBe(true);
        expect(await store.workerDraining('w/1/1')).toBe(true);
        expect((await store.listWorkers())[0]?.draining).toBe(true);
        // a heartbeat that found its row gone registers again: that must not undo an admin's drain
        await store.registerWorker(worker('w/1/1', 3));
        expect((await store.listWorkers())[0]).toMatchObject({ draining: true, capacity: 3 });
        expect(await admin.setWorkerDraining('w/1/1', false)).toBe(true);
        expect(await store.workerDraining('w/1/1')).toBe(false);
        expect(await admin.setWorkerDraining('nobody/0/0', true)).toBe(false);
        expect(await store.workerDraining('nobody/0/0')).toBe(false);
      } finally {
        await admin.close();
      }
    });

    it('lets a drained worker claim nothing, queued or handed out, until it is resumed', async () => {
      await store.registerWorker(worker('w/1/1'));
      await store.registerWorker(worker('w/2/2'));
      const admin = at.open();
      try {
        const waiting = (await store.createOrReuse(await newBuild(30), false)).row;
        expect(await admin.setWorkerDraining('w/1/1', true)).toBe(true);
        expect(await store.claimNextQueued('w/1/1')).toBeUndefined();
        expect(await store.claimNextQueued('w/1/1', waiting.id)).toBeUndefined();
        expect((await store.getRow(waiting.id))?.state).toBe('queued');
        // another worker, and the drained one once resumed, claim as before
        expect((await store.claimNextQueued('w/2/2', waiting.id))?.row.owner).toBe('w/2/2');
        const next = (await store.createOrReuse(await newBuild(31), false)).row;
        expect(await admin.setWorkerDraining('w/1/1', false)).toBe(true);
        expect((await store.claimNextQueued('w/1/1'))?.row.id).toBe(next.id);
      } finally {
        await admin.close();
      }
    });

    it('forgets a worker that deregisters', async () => {
      await store.registerWorker(worker('w/1/1'));
      await store.registerWorker(worker('w/2/2'));
      await store.deregisterWorker('w/1/1');
      expect((await store.listWorkers()).map((w) => w.id)).toEqual(['w/2/2']);
      expect(await store.heartbeatWorker('w/1/1')).toBe(false);
    });
  });
}
