import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '@/spec/build-events';
import { applyLogEvents, emptyBuildLog } from './build-log';

const time = '2026-11-24T18:00:00.000Z';
const log = (seq: number, line: string, stage: 'rootfs' | 'disk' = 'rootfs'): BuildEvent => ({ seq, time, type: 'log', stage, stream: 'stdout', line });

describe('applyLogEvents', () => {
  it('appends log lines with running line numbers', () => {
    const state = applyLogEvents(emptyBuildLog(), [log(1, 'a'), log(2, 'b')]);
    expect(state.lines.map((l) => [l.number, l.text])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(state.lastSeq).toBe(2);
  });

  it('drops events replayed after a reconnect, so no line shows twice', () => {
    const first = applyLogEvents(emptyBuildLog(), [log(1, 'a'), log(2, 'b'), log(3, 'c')]);
    // the server resumed from seq 2 (an older Last-Event-ID) and then continued
    const resumed = applyLogEvents(first, [log(2, 'b'), log(3, 'c'), log(4, 'd')]);
    expect(resumed.lines.map((l) => l.text)).toEqual(['a', 'b', 'c', 'd']);
    expect(resumed.duplicatesDropped).toBe(2);
    expect(resumed.lines.at(-1)?.number).toBe(4);
  });

  it('sorts a batch by seq and drops repeats inside it', () => {
    const state = applyLogEvents(emptyBuildLog(), [log(2, 'b'), log(1, 'a'), log(2, 'b')]);
    expect(state.lines.map((l) => l.text)).toEqual(['a', 'b']);
    expect(state.duplicatesDropped).toBe(1);
  });

  it('returns the same object for a batch of nothing new', () => {
    const state = applyLogEvents(emptyBuildLog(), [log(1, 'a')]);
    expect(applyLogEvents(state, [])).toBe(state);
  });

  it('ends on the final state with its reason, and counts every event type toward the cursor', () => {
    const events: BuildEvent[] = [
      { seq: 1, time, type: 'state', state: 'running' },
      { seq: 2, time, type: 'stage', stage: 'rootfs', status: 'started' },
      log(3, 'a'),
      { seq: 4, time, type: 'state', state: 'canceled', reason: 'canceled by request' },
    ];
    const state = applyLogEvents(emptyBuildLog(), events);
    expect(state).toMatchObject({ lastSeq: 4, ended: true, endReason: 'canceled by request' });
    expect(state.lines.map((l) => l.text)).toEqual(['a']);
  });

  it('keeps 100,000 lines in order when they arrive in many batches', () => {
    let state = emptyBuildLog();
    for (let batch = 0; batch < 100; batch++) {
      const events = Array.from({ length: 1000 }, (_, i) => log(batch * 1000 + i + 1, `line ${batch * 1000 + i + 1}`));
      state = applyLogEvents(state, events);
    }
    expect(state.lines).toHaveLength(100_000);
    expect(state.lines[99_999]?.text).toBe('line 100000');
  });
});
