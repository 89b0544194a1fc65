import type { BuildSummary, StageRecord } from '../../src/spec/build-api.ts';
import type { BuildState, StageName, StageStatus } from '../../src/spec/build-events.ts';

/** Rows as SQLite returns them (snake_case columns), and their mapping to API shapes. */

export interface BuildRow {
  id: string;
  build_key: string;
  name: string;
  state: BuildState;
  kubernetes_version: string;
  release: string;
  formats: string;
  spec_json: string;
  spec_yaml: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
  failed_stage: string | null;
  deleted: number;
  pruned: number;
  cancel_requested: number;
  owner: string | null;
  pid: number | null;
  pgid: number | null;
  last_seq: number;
  retry_of: string | null;
  supersedes: string | null;
}

export interface StageRow {
  build_id: string;
  position: number;
  name: StageName;
  status: StageStatus;
  progress: number;
  message: string | null;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

export interface ArtifactRow {
  build_id: string;
  name: string;
  format: string;
  size_bytes: number;
  sha256: string;
  path: string | null;
}

export function toSummary(row: BuildRow, queuePosition: number | null): BuildSummary {
  return {
    id: row.id,
    buildKey: row.build_key,
    name: row.name,
    state: row.state,
    kubernetesVersion: row.kubernetes_version,
    release: row.release,
    formats: JSON.parse(row.formats) as string[],
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    failedStage: row.failed_stage,
    queuePosition,
    deleted: row.deleted === 1,
  };
}

export function toStageRecord(row: StageRow): StageRecord {
  return {
    name: row.name,
    status: row.status,
    progress: row.progress,
    message: row.message,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms,
  };
}
