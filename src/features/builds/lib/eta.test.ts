import { describe, expect, it } from 'vitest';
import { estimateRemaining, formatDuration, historyFromStages, median, referenceStageMs } from './eta';

const t0 = Date.parse('2026-11-24T18:00:00Z');

describe('median', () => {
  it('handles odd, even and empty lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('estimateRemaining', () => {
  const history = { rootfs: [100_000, 120_000, 110_000], disk: [10_000], formats: [20_000] };

  it('adds the typical duration of every stage still to run', () => {
    const estimate = estimateRemaining(
      [
        { name: 'rootfs', status: 'pending', progress: 0, startedAt: null },
        { name: 'disk', status: 'pending', progress: 0, startedAt: null },
      ],
      history,
      t0,
    );
    expect(estimate.remainingMs).toBe(120_000);
    expect(estimate.overallPercent).toBe(0);
  });

  it('counts down the running stage by time spent, but not below its progress', () => {
    const running = (seconds: number, progress: number) =>
      estimateRemaining(
        [
          { name: 'rootfs', status: 'running', progress, startedAt: new Date(t0 - seconds * 1000).toISOString() },
          { name: 'disk', status: 'pending', progress: 0, startedAt: null },
        ],
        history,
        t0,
      ).remainingMs;
    expect(running(60, 10)).toBe(99_000 + 10_000); // 10 % done: 90 % of 110 s left beats 50 s
    expect(running(60, 80)).toBe(50_000 + 10_000); // 110 s typical − 60 s spent
    expect(running(500, 99)).toBe(1_100 + 10_000); // overran: trust the progress
  });

  it('skips finished and skipped stages and weights the overall percent by duration', () => {
    const estimate = estimateRemaining(
      [
        { name: 'rootfs', status: 'succeeded', progress: 100, startedAt: null },
        { name: 'disk', status: 'skipped', progress: 0, startedAt: null },
        { name: 'formats', status: 'pending', progress: 0, startedAt: null },
      ],
      history,
      t0,
    );
    expect(estimate.remainingMs).toBe(20_000);
    expect(estimate.overallPercent).toBeCloseTo((110 / 130) * 100, 0);
  });

  it('says it does not know when a stage has neither history nor a reference time', () => {
    expect(estimateRemaining([{ name: 'publish', status: 'pending', progress: 0, startedAt: null }], history, t0).remainingMs).toBeNull();
  });

  it('estimates a first build from the reference machine, and says so', () => {
    const stages = (['rootfs', 'kubernetes', 'configure', 'sbom', 'disk', 'formats', 'verify', 'sign'] as const).map((name) => ({
      name,
      status: 'pending' as const,
      progress: 0,
      startedAt: null,
    }));
    const fresh = estimateRemaining(stages, {}, t0);
    expect(fresh.fromReference).toBe(true);
    expect(fresh.remainingMs).toBe(Object.values(referenceStageMs).reduce((sum, ms) => sum + ms, 0));
    // once every stage has finished here, the server's own history replaces the reference
    const known = estimateRemaining(stages, Object.fromEntries(stages.map((s) => [s.name, [1_000]])), t0);
    expect(known).toMatchObject({ fromReference: false, remainingMs: 8_000 });
  });
});

describe('historyFromStages', () => {
  it('keeps only succeeded stages with a duration', () => {
    const stage = (status: 'succeeded' | 'failed', durationMs: number | null) => ({
      name: 'rootfs' as const,
      status,
      progress: 100,
      message: null,
      startedAt: null,
      finishedAt: null,
      durationMs,
    });
    expect(historyFromStages([{ stages: [stage('succeeded', 5), stage('failed', 9), stage('succeeded', null)] }])).toEqual({ rootfs: [5] });
  });
});

describe('formatDuration', () => {
  it('reads like people write durations', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(5)).toBe('< 1 s');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
  });
});
