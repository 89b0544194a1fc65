import type { BuildInput } from '../../src/spec/build-inputs';
import type { NodeImage } from '../../src/spec/schema';
import type { ArtifactInfo, PublishedImage, StageName, VerifyCheck } from './events';
import type { ExecOptions, ExecResult } from './exec';

/** A file the build produced, with the checksum every artifact carries. */
export interface Artifact extends ArtifactInfo {
  path: string;
}

/** Collects artifacts and verify results across stages; the runner turns additions into events. */
export interface ArtifactRegistry {
  /** Hashes the file, records it and emits an `artifact` event. */
  add(entry: { name: string; format: string; path: string }): Promise<Artifact>;
  list(): Artifact[];
}

export interface StageContext {
  spec: NodeImage;
  buildKey: string;
  /** Scratch space shared by all stages of this build; the stage's own subdirectory is `stageDir`. */
  workDir: string;
  /** This stage's private scratch directory (workDir/stages/<stage name>), created before run. */
  stageDir: string;
  /** Where user-facing artifacts go. */
  outDir: string;
  /** Survives builds: base-tree and download caches live here. */
  cacheDir: string;
  signal: AbortSignal;
  log(line: string, stream?: 'stdout' | 'stderr' | 'info'): void;
  progress(percent: number, message?: string): void;
  /** Runs a program with an argument array (never a shell) in its own process group. */
  exec(command: string, args: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  artifacts: ArtifactRegistry;
  /** Verify stage records each boot check here. */
  recordCheck(check: VerifyCheck): void;
  /** The kubernetes stage reports a test image (stand-in packages) here. */
  markTestImage(reason: string): void;
  /** Publish stage reports each cloud image it registered here. */
  published(image: PublishedImage): void;
  /** The rootfs stage records the state of the build's sources here, before installing from them. */
  recordInputs(inputs: BuildInput[]): void;
}

export interface Stage {
  name: StageName;
  /** Cache key of the stage's reusable output, if it has one. */
  key?(spec: NodeImage): string;
  enabled(spec: NodeImage): boolean;
  run(ctx: StageContext): Promise<void>;
}
