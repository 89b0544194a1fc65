import type { PipelineEvent } from '../../src/spec/build-events.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import type { Signer } from '../pipeline/stage.ts';
import type { RecordedArtifact } from '../store/build-store.ts';

export interface BuildJob {
  buildId: string;
  buildKey: string;
  spec: NodeImage;
  workDir: string;
  outDir: string;
  cacheDir: string;
  /** Signs the build's checksum list when the build asks; it runs in this process, so the key never reaches the build. */
  signer: Signer;
}

export type BuildOutcome =
  { status: 'succeeded'; artifacts: RecordedArtifact[] } | { status: 'failed'; error: string; stage: string | null; lastLines: string[] };

export interface BuildHandle {
  /** Leader of the build's process group. */
  pid: number;
  /** Settles when the process tree is gone, whatever happened. */
  outcome: Promise<BuildOutcome>;
  /** SIGTERM to the group, SIGKILL to everything left after the grace period. */
  terminate(): void;
}

/**
 * Runs one build somewhere the service can kill as a whole. The real runner starts the
 * pipeline in a child process; tests start a scripted child with the same protocol.
 */
export interface BuildRunner {
  /** Resolves once builds can start, or with why none can (the executor fails each build with it). */
  prepare?(): Promise<string | undefined>;
  start(job: BuildJob, onEvents: (events: PipelineEvent[]) => void): BuildHandle;
}
