import { describe, expect, it } from 'vitest';
import type { StageRecord } from '@/spec/build-api';
import { timelineBars } from './timeline-bars';

const stage = (name: StageRecord['name'], startedAt: string | null, durationMs: number | null): StageRecord => ({
  name,
  status: 'succeeded',
  progress: 100,
  message: null,
  startedAt,
  finishedAt: null,
  durationMs,
});

describe('timelineBars', () => {
  it('places bars at their start offsets and skips untimed stages', () => {
    const { bars, total } = timelineBars([
      stage('rootfs', '2026-11-24T18:00:00Z', 60_000),
      stage('kubernetes', '2026-11-24T18:01:00Z', 30_000),
      stage('verify', null, null),
    ]);
    expect(bars.map((b) => [b.stage.name, b.start, b.duration])).toEqual([
      ['rootfs', 0, 60_000],
      ['kubernetes', 60_000, 30_000],
    ]);
    expect(total).toBe(90_000);
  });

  it('chains stages without a start time after the previous one', () => {
    const { bars } = timelineBars([stage('rootfs', null, 10), stage('disk', null, 5)]);
    expect(bars.map((b) => b.start)).toEqual([0, 10]);
  });
});
