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
  /** Survives builds: base-tree and download caches live here. Read it; never write it. */
  cacheDir: string;
  /**
   * Where a stage leaves what it adds to the cache (same layout as cacheDir). For a
   * build the service runs this is in the build's own work directory: the service
   * checks each entry and moves it into the cache, so a build can never change what
   * other builds restore. Trusted in-process callers may pass the cache itself.
   */
  cacheOutDir: string;
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
  /** Signs the build's checksum list for the sign stage; the key itself stays out of the build. */
  signer: Signer;
}

/** A checksum list (SHA256SUMS text) and the SSH signature over exactly that text. */
export interface SignedSums {
  sums: string;
  signature: string;
}

/**
 * Signs a build's SHA256SUMS. The answer's list is what was signed: a signer may add
 * files it wrote into the output directory itself (the CLI adds its build report), so
 * the stage writes the answer's list, not its own.
 */
export interface Signer {
  sign(sums: string, signal: AbortSignal): Promise<SignedSums>;
}

/**
 * One step of the build. Whether a build runs it is the stage plan's decision
 * (src/spec/stage-plan.ts), not the stage's; a stage that can reuse earlier work (the
 * rootfs base tree) keeps its own cache under `cacheDir`.
 */
export interface Stage {
  name: StageName;
  run(ctx: StageContext): Promise<void>;
}
