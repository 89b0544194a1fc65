// Local copy of the build event shapes until src/spec/build-events.ts lands;
// the runner only ever emits these five kinds.
export type StageStatus = 'started' | 'succeeded' | 'failed' | 'skipped' | 'canceled';

export interface VerifyCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ArtifactInfo {
  name: string;
  format: string;
  sizeBytes: number;
  sha256: string;
}

export type PipelineEvent =
  | { type: 'stage'; stage: string; status: StageStatus; durationMs?: number; error?: string }
  | { type: 'progress'; stage: string; percent: number; message?: string }
  | { type: 'log'; stage: string; stream: 'stdout' | 'stderr' | 'info'; line: string }
  | { type: 'verify'; check: VerifyCheck }
  | { type: 'artifact'; artifact: ArtifactInfo };
