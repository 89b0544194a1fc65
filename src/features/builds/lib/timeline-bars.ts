import type { StageRecord } from '@/spec/build-api';

export interface TimelineBar {
  stage: StageRecord;
  /** Milliseconds from the first stage's start. */
  start: number;
  duration: number;
}

/**
 * Stages with a duration, placed at their start time; a stage without a start time is put
 * right after the previous one so the chart still adds up.
 */
export function timelineBars(stages: readonly StageRecord[]): { bars: TimelineBar[]; total: number } {
  const timed = stages.filter((s) => s.durationMs != null && s.durationMs > 0);
  const starts = timed.map((s) => (s.startedAt ? Date.parse(s.startedAt) : NaN));
  const known = starts.filter(Number.isFinite);
  const origin = known.length > 0 ? Math.min(...known) : NaN;
  const bars: TimelineBar[] = [];
  let cursor = 0;
  timed.forEach((stage, i) => {
    const at = starts[i] as number;
    const start = Number.isFinite(at) && Number.isFinite(origin) ? at - origin : cursor;
    const duration = stage.durationMs as number;
    cursor = start + duration;
    bars.push({ stage, start, duration });
  });
  return { bars, total: bars.reduce((max, b) => Math.max(max, b.start + b.duration), 0) };
}
