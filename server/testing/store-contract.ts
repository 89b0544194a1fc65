import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDetailSchema } from '../../src/spec/build-api.ts';
import { buildKey } from '../../src/spec/build-key.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { minimalInput } from '../../src/spec/test-specs.ts';
import type { NewBuild, Store } from '../store/store.ts';

/** Where a fresh, empty store lives (a data dir or a postgres:// URL) and how to open another connection to it. */
export interface StoreLocation {
  location: string;
  open(): Store;
  cleanup(): Promise<void>;
}

export async function newBuild(sizeGiB: number, name = 'contract'): Promise<NewBuild> {
  const input = minimalInput({ disk: { sizeGiB } });
  const spec = nodeImageSchema.parse({ ...input, metadata: { ...input.metadata, name } });
  return { buildKey: await buildKey(spec), spec, specYaml: `# ${sizeGiB}`, stages: ['rootfs', 'sign'] };
}

/** Runs the claim loop (server/testing/claim-loop.ts) as a separate process; resolves with the ids it claimed. */
function claimingProcess(location: string): Promise<string[]> {
  const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
  const script = path.join(import.meta.dirname, 'claim-loop.ts');
  const child = spawn(process.execPath, ['--import', tsx, script, location], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve) => child.on('close', () => resolve(text.split('\n').filter(Boolean))));
}

/**
 * What every store must do, run against SQLite and against a real Postgres, so the two
 * cannot drift: numbering, projection, reuse, claims, cancels, artifacts, lists, and
 * the same answers when several connections (or processes) write at once.
 */
export function storeContract(kind: string, fresh: () => Promise<StoreLocation>): void {
  describe(`${kind} store contract`, () => {
    let at: StoreLocation;
    let store: Store;
    const others: Store[] = [];
    const another = () => {
      const opened = at.open();
      others.push(opened);
      return opened;
    };
    beforeEach(async () => {
      at = await fresh();
      store = at.open();
    });
    afterEach(async () => {
      for (const opened of others.splice(0)) await opened.close();
      await store.close();
      await at.cleanup();
    });

    it('numbers events per build from 1 without gaps and projects them', async () => {
      const { row } = await store.createOrReuse(await newBuild(20), false);
      await store.appendEvents(row.id, [
        { type: 'stage', stage: 'rootfs', status: 'started' },
        { type: 'progress', stage: 'rootfs', percent: 40, message: 'unpacking' },
      ]);
      await store.appendEvents(row.id, [{ type: 'artifact', artifact: { name: 'a.raw', format: 'raw', sizeBytes: 3, sha256: 'ab' } }]);
      const other = (await store.createOrReuse(await newBuild(21), false)).row;
      expect((await store.eventsAfter(row.id, 0)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect((await store.eventsAfter(other.id, 0)).map((e) => e.seq)).toEqual([1]);
      expect((await store.eventsAfter(row.id, 2)).map((e) => e.type)).toEqual(['progress', 'artifact']);
      const detail = buildDetailSchema.parse(await store.detail(row.id));
      expect(detail.stages[0]).toMatchObject({ name: 'rootfs', status: 'running', progress: 40, message: 'unpacking' });
      expect(detail.stages[1]).toMatchObject({ name: 'sign', status: 'pending' });
      // An artifact is only listed once its path is recorded (after the build succeeded).
      expect(detail.artifacts).toEqual([]);
      expect(detail.lastEventSeq).toBe(4);
    });

    it('keeps its data for the next connection, and migrating again changes nothing', async () => {
      const { row } = await store.createOrReuse(await newBuild(20), false);
      await store.close();
      store = at.open();
      expect((await store.getRow(row.id))?.state).toBe('queued');
      expect(await store.queueLength()).toBe(1);
    });

    it('reuses queued, running and succeeded builds but not failed, pruned or deleted ones', async () => {
      const input = await newBuild(22);
      const first = await store.createOrReuse(input, false);
      expect(await store.createOrReuse(input, false)).toMatchObject({ reused: true, row: { id: first.row.id } });
      await store.finish(first.row.id, 'failed', { error: 'x' });
      const second = await store.createOrReuse(input, false);
      expect(second.reused).toBe(false);
      await store.finish(second.row.id, 'succeeded');
      expect((await store.createOrReuse(input, false)).row.id).toBe(second.row.id);
      await store.dropArtifacts(second.row.id, 'pruned');
      expect((await store.createOrReuse(input, false)).reused).toBe(false);
      expect((await store.createOrReuse(input, true)).reused).toBe(false);
    });

    it('gives each queued build to exactly one of several processes claiming at once', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 40; i += 1) ids.add((await store.createOrReuse(await newBuild(30 + i), false)).row.id);
      const claimed = (await Promise.all(Array.from({ length: 4 }, () => claimingProcess(at.location)))).flat();
      expect(claimed).toHaveLength(40);
      expect(new Set(claimed)).toEqual(ids);
      for (const id of ids) expect((await store.eventsAfter(id, 0)).map((e) => e.type === 'state' && e.state)).toEqual(['queued', 'running']);
    });

    it('claims the build a queue named, and nothing once it was canceled or taken', async () => {
      const older = (await store.createOrReuse(await newBuild(28), false)).row;
      const named = (await store.createOrReuse(await newBuild(29), false)).row;
      expect((await store.claimNextQueued('me', named.id))?.row).toMatchObject({ id: named.id, state: 'running', owner: 'me' });
      // taken already: a second hand-out of the same job must not start it twice
      expect(await another().claimNextQueued('other', named.id)).toBeUndefined();
      await store.cancelIfQueued(older.id);
      expect(await store.claimNextQueued('me', older.id)).toBeUndefined();
      expect(await store.claimNextQueued('me', 'no-such-build')).toBeUndefined();
    });

    it('cancels a queued build only while it is still queued', async () => {
      const { row } = await store.createOrReuse(await newBuild(23), false);
      await store.claimNextQueued('me');
      expect(await store.cancelIfQueued(row.id)).toBeUndefined();
      const queued = (await store.createOrReuse(await newBuild(24), false)).row;
      expect((await store.cancelIfQueued(queued.id))?.[0]).toMatchObject({ type: 'state', state: 'canceled' });
      expect((await store.getRow(queued.id))?.state).toBe('canceled');
    });

    it('numbers events gap-free when two connections append to one build at once', async () => {
      const { row } = await store.createOrReuse(await newBuild(25), false);
      const second = another();
      const batch = (writer: Store, n: number) =>
        writer.appendEvents(row.id, [
          { type: 'log', stage: 'rootfs', stream: 'stdout', line: `${n} a` },
          { type: 'log', stage: 'rootfs', stream: 'stdout', line: `${n} b` },
        ]);
      const results = await Promise.all(Array.from({ length: 60 }, (_, n) => batch(n % 2 === 0 ? store : second, n)));
      const events = await store.eventsAfter(row.id, 0, 10_000);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 121 }, (_, i) => i + 1));
      // each batch got consecutive numbers, in its own order
      for (const appended of results) expect(appended.map((e) => e.seq)).toEqual([appended[0]!.seq, appended[0]!.seq + 1]);
      expect((await store.getRow(row.id))?.last_seq).toBe(121);
    });

    it('makes one build of a key however many connections submit it at once', async () => {
      const input = await newBuild(26);
      const second = another();
      const results = await Promise.all(Array.from({ length: 20 }, (_, n) => (n % 2 === 0 ? store : second).createOrReuse(input, false)));
      expect(new Set(results.map((r) => r.row.id)).size).toBe(1);
      expect(results.filter((r) => !r.reused)).toHaveLength(1);
      expect(await store.queueLength()).toBe(1);
    });

    it('hands a dead build to exactly one recoverer', async () => {
      const { row } = await store.createOrReuse(await newBuild(27), false);
      await store.claimNextQueued('dead');
      const second = another();
      const claims = await Promise.all([store.claimForRecovery(row.id, 'dead', 'a'), second.claimForRecovery(row.id, 'dead', 'b')]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await store.claimForRecovery(row.id, null, 'c')).toBe(false);
      await store.finish(row.id, 'interrupted', { reason: 'owner died' });
      expect(await store.getRow(row.id)).toMatchObject({ state: 'interrupted', error: 'owner died', pid: null });
      expect((await store.runningRows()).map((r) => r.id)).toEqual([]);
    });

    it('records artifacts, lists, filters, counts and orders builds the same way', async () => {
      const a = (await store.createOrReuse(await newBuild(40, 'alpha'), false)).row;
      const b = (await store.createOrReuse(await newBuild(41, 'beta-1'), false)).row;
      const c = (await store.createOrReuse(await newBuild(42, 'beta'), false)).row;
      expect((await store.list({ sort: 'oldest', page: 1, pageSize: 10 })).items.map((i) => [i.id, i.queuePosition])).toEqual([
        [a.id, 1],
        [b.id, 2],
        [c.id, 3],
      ]);
      expect((await store.list({ name: 'beta-', sort: 'newest', page: 1, pageSize: 10 })).items.map((i) => i.id)).toEqual([b.id]);
      // "_" is a character to match, not LIKE's wildcard: "l_h" is not in "alpha"
      expect((await store.list({ name: 'l_h', sort: 'newest', page: 1, pageSize: 10 })).total).toBe(0);
      const newestPage = await store.list({ sort: 'newest', page: 2, pageSize: 2 });
      expect(newestPage).toMatchObject({ total: 3, page: 2, pageSize: 2, items: [{ id: a.id }] });
      expect(
        (await store.list({ kubernetesVersion: a.kubernetes_version.split('.').slice(0, 2).join('.'), sort: 'newest', page: 1, pageSize: 10 })).total,
      ).toBe(3);

      await store.claimNextQueued('me');
      await store.appendEvents(a.id, [
        { type: 'stage', stage: 'rootfs', status: 'started' },
        { type: 'stage', stage: 'rootfs', status: 'succeeded', durationMs: 1500 },
        { type: 'verify', check: { name: 'kubelet', ok: true, detail: 'v1' } },
        { type: 'testImage', reason: 'stand-ins' },
        {
          type: 'inputs',
          inputs: [{ kind: 'binary', name: 'crictl', url: 'http://127.0.0.1/crictl', sha256: 'cd' }],
        },
      ]);
      // 5 GiB: beyond 32 bits, so a store that gave sizes back as strings or truncated them fails here
      const big = 5 * 1024 ** 3;
      await store.recordArtifactPaths(a.id, [{ name: 'disk.raw', format: 'raw', sizeBytes: big, sha256: 'ef', path: '/out/disk.raw' }]);
      await store.finish(a.id, 'succeeded');
      const detail = buildDetailSchema.parse({ ...(await store.detail(a.id)), artifacts: [] });
      expect(detail).toMatchObject({ state: 'succeeded', testImage: { reason: 'stand-ins' }, verify: [{ name: 'kubelet', ok: true }] });
      expect(detail.stages.map((s) => [s.name, s.status])).toEqual([
        ['rootfs', 'succeeded'],
        ['sign', 'skipped'],
      ]);
      expect(detail.inputs).toHaveLength(1);
      expect(detail.inputsKey).toMatch(/^[0-9a-f]{64}$/);
      expect(await store.artifacts(a.id)).toEqual([{ build_id: a.id, name: 'disk.raw', format: 'raw', size_bytes: big, sha256: 'ef', path: '/out/disk.raw' }]);
      expect(await store.artifact(a.id, 'missing')).toBeUndefined();
      expect(await store.buildsWithArtifacts()).toEqual([{ id: a.id, bytes: big }]);
      expect(await store.stageDurations()).toEqual([{ name: 'rootfs', count: 1, sumMs: 1500 }]);
      expect(new Map((await store.countsByState()).map((r) => [r.state, r.n]))).toEqual(
        new Map([
          ['succeeded', 1],
          ['queued', 2],
        ]),
      );
      expect(await store.checkableBuildIds()).toEqual([a.id]);
      expect(await store.buildInputs(a.id)).toEqual([{ kind: 'binary', name: 'crictl', url: 'http://127.0.0.1/crictl', sha256: 'cd' }]);

      const updates = { buildId: a.id, checkedAt: '2026-12-02T00:00:00.000Z', count: 2, security: 1, packages: [], unreadable: [] };
      expect(await store.storedBuildUpdates(a.id)).toBeNull();
      await store.saveBuildUpdates(updates);
      await store.saveBuildUpdates({ ...updates, count: 3 });
      expect(await store.storedBuildUpdates(a.id)).toEqual({ ...updates, count: 3 });
      expect(await store.updateCounts(a.id)).toEqual({ count: 3, security: 1, checkedAt: updates.checkedAt });

      const successor = (await store.createOrReuse({ ...(await newBuild(40, 'alpha')), supersedes: a.id }, true)).row;
      expect(await store.detail(a.id)).toMatchObject({ supersededBy: successor.id, supersedes: null });
      expect(await store.detail(successor.id)).toMatchObject({ supersedes: a.id, supersededBy: null });

      await store.requestCancel(b.id);
      expect((await store.getRow(b.id))?.cancel_requested).toBe(1);
      await store.dropArtifacts(a.id, 'deleted');
      expect(await store.getRow(a.id)).toMatchObject({ deleted: 1 });
      expect(await store.artifacts(a.id)).toEqual([]);
      expect(await store.channelsOfBuild(a.id)).toEqual([]);
      expect(await store.buildsOnChannels()).toEqual(new Set());
    });
  });
}
