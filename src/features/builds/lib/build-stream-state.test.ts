import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '@/spec/build-events';
import { applyBuildEvents, emptyBuildStream, mergeStages } from './build-stream-state';

const time = '2026-11-24T18:00:00.000Z';
const log = (seq: number, line: string, stage: 'rootfs' | 'disk' = 'rootfs'): BuildEvent => ({ seq, time, type: 'log', stage, stream: 'stdout', line });

describe('applyBuildEvents', () => {
  it('appends log lines with running line numbers', () => {
    const state = applyBuildEvents(emptyBuildStream(), [log(1, 'a'), log(2, 'b')]);
    expect(state.lines.map((l) => [l.number, l.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(state.lastSeq).toBe(2);
  });

  it('drops events replayed after a reconnect, so no line shows twice', () => {
    const first = applyBuildEvents(emptyBuildStream(), [log(1, 'a'), log(2, 'b'), log(3, 'c')]);
    // the server resumed from seq 2 (an older Last-Event-ID) and then continued
    const resumed = applyBuildEvents(first, [log(2, 'b'), log(3, 'c'), log(4, 'd')]);
    expect(resumed.lines.map((l) => l.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(resumed.duplicatesDropped).toBe(2);
    expect(resumed.lines.at(-1)?.number).toBe(4);
  });

  it('sorts a batch by seq and drops repeats inside it', () => {
    const state = applyBuildEvents(emptyBuildStream(), [log(2, 'b'), log(1, 'a'), log(2, 'b')]);
    expect(state.lines.map((l) => l.text)).toEqual(['a', 'b']);
    expect(state.duplicatesDropped).toBe(1);
  });

  it('returns the same object for a batch of nothing new', () => {
    const state = applyBuildEvents(emptyBuildStream(), [log(1, 'a')]);
    expect(applyBuildEvents(state, [])).toBe(state);
  });

  it('tracks stages, progress, checks, artifacts and the final state', () => {
    const events: BuildEvent[] = [
      { seq: 1, time, type: 'state', state: 'running' },
      { seq: 2, time, type: 'stage', stage: 'rootfs', status: 'started' },
      { seq: 3, time, type: 'progress', stage: 'rootfs', percent: 40, message: 'unpacking' },
      { seq: 4, time: '2026-11-24T18:01:00.000Z', type: 'stage', stage: 'rootfs', status: 'failed', durationMs: 60_000, error: 'mmdebstrap failed' },
      { seq: 5, time, type: 'verify', check: { name: 'swap off', ok: false, detail: 'swap is on' } },
      { seq: 6, time, type: 'artifact', artifact: { name: 'a.raw', format: 'raw', sizeBytes: 10, sha256: 'f'.repeat(64) } },
      { seq: 7, time, type: 'state', state: 'failed', reason: 'rootfs failed' },
    ];
    const state = applyBuildEvents(emptyBuildStream(), events);
    expect(state.state).toBe('failed');
    expect(state.stateReason).toBe('rootfs failed');
    expect(state.stages.rootfs).toMatchObject({ status: 'failed', progress: 40, message: 'unpacking', durationMs: 60_000, error: 'mmdebstrap failed' });
    expect(state.verify).toHaveLength(1);
    expect(state.artifacts[0]?.name).toBe('a.raw');
  });

  it('keeps 100,000 lines in order when they arrive in many batches', () => {
    let state = emptyBuildStream();
    for (let batch = 0; batch < 100; batch++) {
      const events = Array.from({ length: 1000 }, (_, i) => log(batch * 1000 + i + 1, `line ${batch * 1000 + i + 1}`));
      state = applyBuildEvents(state, events);
    }
    expect(state.lines).toHaveLength(100_000);
    expect(state.lines[99_999]?.text).toBe('line 100000');
  });
});

describe('mergeStages', () => {
  it('lets the stream override the server record', () => {
    const merged = mergeStages(
      [{ name: 'rootfs', status: 'pending', progress: 0, message: null, startedAt: null, finishedAt: null, durationMs: null }],
      { rootfs: { status: 'running', progress: 50, message: 'x', startedAt: time, finishedAt: null, durationMs: null, error: null } },
    );
    expect(merged[0]).toMatchObject({ status: 'running', progress: 50, startedAt: time });
  });
});
