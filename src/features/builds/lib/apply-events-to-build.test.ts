import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The server's store is the reference: the client's fold must end where its projection does.
import { toBuildDetail } from '../../../../server/http/build-detail.ts';
import { BuildStore } from '../../../../server/store/build-store.ts';
import { openDatabase } from '../../../../server/store/open-database.ts';
import { buildKey } from '@/spec/build-key';
import type { BuildEventBody } from '@/spec/build-events';
import { nodeImageSchema } from '@/spec/schema';
import { minimalInput } from '@/spec/test-specs';
import { applyEventsToBuild } from './apply-events-to-build';

const bodies: BuildEventBody[][] = [
  [{ type: 'state', state: 'running' }],
  [
    { type: 'stage', stage: 'rootfs', status: 'started' },
    { type: 'progress', stage: 'rootfs', percent: 40, message: 'unpacking' },
    { type: 'log', stage: 'rootfs', stream: 'stdout', line: 'I: installing' },
    { type: 'stage', stage: 'rootfs', status: 'succeeded', durationMs: 1200 },
    { type: 'stage', stage: 'kubernetes', status: 'started' },
    { type: 'progress', stage: 'kubernetes', percent: 10 },
  ],
  [
    { type: 'verify', check: { name: 'swap off', ok: true, detail: 'no swap' } },
    { type: 'stage', stage: 'kubernetes', status: 'failed', durationMs: 900, error: 'apt-get failed' },
  ],
];

describe('applyEventsToBuild', () => {
  let dataDir: string;
  let store: BuildStore;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-fold-'));
    store = new BuildStore(openDatabase(dataDir));
  });
  afterEach(() => {
    store.db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('turns the record a GET returned into the record a later GET returns, from the events in between', async () => {
    const spec = nodeImageSchema.parse(minimalInput());
    const { row } = store.createOrReuse({ buildKey: await buildKey(spec), spec, specYaml: '# spec', stages: ['rootfs', 'kubernetes', 'configure'] }, false);
    const stored = store.detail(row.id);
    if (!stored) throw new Error('no detail');
    const fetched = toBuildDetail(stored);
    const streamed = bodies.flatMap((batch) => store.appendEvents(row.id, batch));
    streamed.push(...store.finish(row.id, 'failed', { error: 'apt-get failed', failedStage: 'kubernetes' }));

    // a batch at a time, as the stream hook flushes, with a replayed event in the middle
    let folded = fetched;
    for (const batch of [streamed.slice(0, 3), streamed.slice(2, 7), streamed.slice(7)]) folded = applyEventsToBuild(folded, batch);

    const after = store.detail(row.id);
    const { queuePosition: _q, ...expected } = after ? toBuildDetail(after) : fetched;
    const { queuePosition: _p, ...actual } = folded;
    expect(actual).toEqual(expected);
  });

  it('skips events the record already contains and returns the same object', async () => {
    const spec = nodeImageSchema.parse(minimalInput());
    const { row } = store.createOrReuse({ buildKey: await buildKey(spec), spec, specYaml: '# spec', stages: ['rootfs'] }, false);
    const events = store.appendEvents(row.id, [{ type: 'stage', stage: 'rootfs', status: 'started' }]);
    const stored = store.detail(row.id);
    if (!stored) throw new Error('no detail');
    const fetched = toBuildDetail(stored);
    expect(applyEventsToBuild(fetched, events)).toBe(fetched);
  });
});
