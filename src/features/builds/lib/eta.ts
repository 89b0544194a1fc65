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
 * Measured stage times (ms) of a cold build on the reference machine: 2 cores, quiet, empty
 * base-tree cache, the default spec (docs/pipeline.md, "Quiet machine", cold column). A new
 * server has no history, and its first build is a cold one, so these stand in until builds
 * have finished here; the page labels any ETA that uses them as an estimate. Publishing has
 * no reference time: it depends on the upload link to the cloud.
 */
export const referenceStageMs: Partial<Record<StageName, number>> = {
  rootfs: 46_600,
  kubernetes: 2_100,
  configure: 100,
  sbom: 100,
  disk: 2_300,
  formats: 15_300,
  verify: 44_800,
  // not in the table: it signs one small SHA256SUMS file
  sign: 100,
};

/** Weights the overall bar for a stage with neither history nor a reference time (publish). */
const UNMEASURED_STAGE_MS = 60_000;

export interface Estimate {
  /** Milliseconds left, or null when nothing is known about some stage still to run. */
  remainingMs: number | null;
  /** Some stage still to run has no history here, so the reference machine's time stood in. */
  fromReference: boolean;
  /** 0–100 across the whole build, weighting each stage by its typical duration. */
  overallPercent: number;
}

type StageView = Pick<StageRecord, 'name' | 'status' | 'progress' | 'startedAt'>;

/**
 * Time left = for each stage still to run, its median past duration; for the running stage,
 * the larger of (median − time spent) and (median × share not done), so a stage running
 * long never counts down below what its own progress says. Skipped and finished stages cost 0.
 * A stage that has never finished here counts with its reference time (`referenceStageMs`).
 */
export function estimateRemaining(stages: readonly StageView[], history: StageDurationHistory, now: number): Estimate {
  let remaining = 0;
  let unknown = false;
  let fromReference = false;
  let total = 0;
  let done = 0;
  for (const stage of stages) {
    const measured = median(history[stage.name] ?? []);
    const typical = measured ?? referenceStageMs[stage.name] ?? null;
    const weight = typical ?? UNMEASURED_STAGE_MS;
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
    if (measured == null) fromReference = true;
    if (stage.status === 'running') {
      const spent = stage.startedAt ? Math.max(0, now - Date.parse(stage.startedAt)) : 0;
      remaining += Math.max(typical - spent, typical * (1 - fraction), 0);
    } else {
      remaining += typical;
    }
  }
  return {
    remainingMs: unknown ? null : Math.round(remaining),
    fromReference,
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
