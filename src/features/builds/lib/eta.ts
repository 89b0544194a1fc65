import type { StageRecord } from '@/spec/build-api';
import type { StageName } from '@/spec/build-events';

/** Past durations (ms) per stage, from finished builds. */
export type StageDurationHistory = Partial<Record<StageName, number[]>>;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function historyFromStages(builds: readonly { stages: readonly StageRecord[] }[]): StageDurationHistory {
  const history: StageDurationHistory = {};
  for (const build of builds) {
    for (const stage of build.stages) {
      if (stage.status !== 'succeeded' || stage.durationMs == null) continue;
      (history[stage.name] ??= []).push(stage.durationMs);
    }
  }
  return history;
}

/**
 * Rough shares of a build per stage (seconds, from the pipeline trial on a 2-core host).
 * Only weights the overall bar before any build has finished here; never shown as an ETA.
 */
export const fallbackStageWeights: Record<StageName, number> = {
  rootfs: 130,
  kubernetes: 20,
  configure: 10,
  sbom: 5,
  disk: 10,
  formats: 20,
  verify: 80,
  publish: 60,
  sign: 2,
};

export interface Estimate {
  /** Milliseconds left, or null when nothing is known about some stage still to run. */
  remainingMs: number | null;
  /** 0–100 across the whole build, weighting each stage by its typical duration. */
  overallPercent: number;
}

type StageView = Pick<StageRecord, 'name' | 'status' | 'progress' | 'startedAt'>;

/**
 * Time left = for each stage still to run, its median past duration; for the running stage,
 * the larger of (median − time spent) and (median × share not done), so a stage running
 * long never counts down below what its own progress says. Skipped and finished stages cost 0.
 */
export function estimateRemaining(stages: readonly StageView[], history: StageDurationHistory, now: number): Estimate {
  let remaining = 0;
  let unknown = false;
  let total = 0;
  let done = 0;
  for (const stage of stages) {
    const typical = median(history[stage.name] ?? []);
    const weight = typical ?? fallbackStageWeights[stage.name];
    if (stage.status === 'skipped') continue;
    total += weight;
    if (stage.status === 'succeeded') {
      done += weight;
      continue;
    }
    if (stage.status === 'failed' || stage.status === 'canceled') continue;
    const fraction = Math.min(Math.max(stage.progress, 0), 100) / 100;
    done += weight * fraction;
    if (typical == null) {
      unknown = true;
      continue;
    }
    if (stage.status === 'running') {
      const spent = stage.startedAt ? Math.max(0, now - Date.parse(stage.startedAt)) : 0;
      remaining += Math.max(typical - spent, typical * (1 - fraction), 0);
    } else {
      remaining += typical;
    }
  }
  return {
    remainingMs: unknown ? null : Math.round(remaining),
    overallPercent: total > 0 ? Math.min(100, Math.round((done / total) * 1000) / 10) : 0,
  };
}

/** "1 h 02 min", "3 min 05 s", "42 s". */
export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1000) return '< 1 s';
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
