import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDetailSchema } from '../../src/spec/build-api.ts';
import { buildKey } from '../../src/spec/build-key.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { minimalInput } from '../../src/spec/test-specs.ts';
import { migrations } from './migrations.ts';
import { BuildStore, type NewBuild } from './build-store.ts';
import { openDatabase } from './open-database.ts';

async function newBuild(sizeGiB: number): Promise<NewBuild> {
  const spec = nodeImageSchema.parse(minimalInput({ disk: { sizeGiB } }));
  return { buildKey: await buildKey(spec), spec, specYaml: `# ${sizeGiB}`, stages: ['rootfs', 'sign'] };
}

describe('build store', () => {
  let dataDir: string;
  let store: BuildStore;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-store-'));
    store = new BuildStore(openDatabase(dataDir));
  });
  afterEach(() => {
    store.db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('numbers events per build from 1 without gaps and projects them', async () => {
    const { row } = store.createOrReuse(await newBuild(20), false);
    store.appendEvents(row.id, [
      { type: 'stage', stage: 'rootfs', status: 'started' },
      { type: 'progress', stage: 'rootfs', percent: 40, message: 'unpacking' },
    ]);
    store.appendEvents(row.id, [{ type: 'artifact', artifact: { name: 'a.raw', format: 'raw', sizeBytes: 3, sha256: 'ab' } }]);
    const other = store.createOrReuse(await newBuild(21), false).row;
    expect(store.eventsAfter(row.id, 0).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(store.eventsAfter(other.id, 0).map((e) => e.seq)).toEqual([1]);
    expect(store.eventsAfter(row.id, 2).map((e) => e.type)).toEqual(['progress', 'artifact']);
    const detail = buildDetailSchema.parse(store.detail(row.id));
    expect(detail.stages[0]).toMatchObject({ name: 'rootfs', status: 'running', progress: 40, message: 'unpacking' });
    // An artifact is only listed once its path is recorded (after the build succeeded).
    expect(detail.artifacts).toEqual([]);
  });

  it('survives reopening: migrations run once and data stays', async () => {
    const { row } = store.createOrReuse(await newBuild(20), false);
    store.db.close();
    store = new BuildStore(openDatabase(dataDir));
    expect(store.getRow(row.id)?.state).toBe('queued');
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('reuses queued, running and succeeded builds but not failed, pruned or deleted ones', async () => {
    const input = await newBuild(22);
    const first = store.createOrReuse(input, false);
    expect(store.createOrReuse(input, false)).toMatchObject({ reused: true, row: { id: first.row.id } });
    store.finish(first.row.id, 'failed', { error: 'x' });
    const second = store.createOrReuse(input, false);
    expect(second.reused).toBe(false);
    store.finish(second.row.id, 'succeeded');
    expect(store.createOrReuse(input, false).row.id).toBe(second.row.id);
    store.dropArtifacts(second.row.id, 'pruned');
    expect(store.createOrReuse(input, false).reused).toBe(false);
  });

  it('gives each queued build to exactly one of several processes claiming at once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 40; i += 1) ids.add(store.createOrReuse(await newBuild(30 + i), false).row.id);
    const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
    const script = path.join(import.meta.dirname, '..', 'testing', 'claim-loop.ts');
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, ['--import', tsx, script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
        return new Promise<string[]>((resolve) => child.on('close', () => resolve(text.split('\n').filter(Boolean))));
      }),
    );
    const claimed = outputs.flat();
    expect(claimed).toHaveLength(40);
    expect(new Set(claimed)).toEqual(ids);
    for (const id of ids) expect(store.eventsAfter(id, 0).map((e) => e.type === 'state' && e.state)).toEqual(['queued', 'running']);
  });

  it('cancels a queued build only while it is still queued', async () => {
    const { row } = store.createOrReuse(await newBuild(23), false);
    store.claimNextQueued('me');
    expect(store.cancelIfQueued(row.id)).toBeUndefined();
    const queued = store.createOrReuse(await newBuild(24), false).row;
    expect(store.cancelIfQueued(queued.id)?.[0]).toMatchObject({ type: 'state', state: 'canceled' });
  });
});
