import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeImage } from '../../src/spec/schema';
import { createArtifactRegistry } from './artifact-registry';
import { outOfDiskSpace, PipelineAbortError, PipelineError } from './errors';
import type { PipelineEvent, StageName, VerifyCheck } from './events';
import { assertSpecSourcesAllowed } from '../sources/preflight';
import { SourcePolicyError, sourcePolicyFromEnvironment } from '../sources/source-policy';
import { ExecError, runProcess } from './exec';
import { hostDebianMirror } from './host-mirror';
import { withToolErrors } from './tool-error-lines';
import { type MissingHostTool, checkHostTools as findMissingHostTools, describeMissingTools } from './host-tools';
import type { Artifact, Signer, Stage, StageContext } from './stage';
import { type PlannedStage, planStages } from './stage-plan';

export { PipelineAbortError, PipelineError } from './errors';
export type { PipelineEvent } from './events';

export interface PipelineOptions {
  spec: NodeImage;
  buildKey: string;
  workDir: string;
  outDir: string;
  cacheDir: string;
  /** Where new cache entries go; the cache itself when unset (see StageContext.cacheOutDir). */
  cacheOutDir?: string;
  signal: AbortSignal;
  emit: (e: PipelineEvent) => void;
  /** Signs the checksum list in the sign stage; whoever holds the key provides it. */
  signer: Signer;
}

export interface StageRecord {
  name: StageName;
  status: 'succeeded' | 'failed' | 'skipped' | 'canceled';
  durationMs: number;
}

export interface PipelineResult {
  artifacts: Artifact[];
  verify: VerifyCheck[];
  stages: StageRecord[];
}

const LAST_LINES = 30;

/** Missing host tools (and a non-root user) for this spec, each with the Debian package to install. */
export async function checkHostTools(spec: NodeImage): Promise<MissingHostTool[]> {
  const missing = await findMissingHostTools(spec);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    missing.unshift({ command: 'root', debianPackage: 'sudo', why: 'mmdebstrap --mode=root, chroot and file ownership in the image need root' });
  }
  return missing;
}

/**
 * Runs the stages in order. Each gets its own scratch directory, a logger and a progress
 * reporter bound to its name, and the build's AbortSignal; the runner alone emits stage
 * start/finish events and timings. Throws PipelineError naming the failed stage with its
 * last output lines, or PipelineAbortError when canceled.
 */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineResult> {
  const { spec, emit, signal } = opts;
  const missing = await checkHostTools(spec);
  if (missing.length > 0) throw new PipelineError(describeMissingTools(missing), 'rootfs');
  await checkSourcePolicy(spec);

  await Promise.all([opts.workDir, opts.outDir, opts.cacheDir, opts.cacheOutDir ?? opts.cacheDir].map((dir) => mkdir(dir, { recursive: true })));
  const plan = planStages(spec);

  const verify: VerifyCheck[] = [];
  const stages: StageRecord[] = [];
  const artifacts = createArtifactRegistry((artifact) => emit({ type: 'artifact', artifact }));

  const runStage = async (stage: Stage, stageSignal: AbortSignal): Promise<void> => {
    const started = Date.now();
    const lastLines: string[] = [];
    emit({ type: 'stage', stage: stage.name, status: 'started' });
    try {
      const ctx = await stageContext({ ...opts, signal: stageSignal }, stage, lastLines, artifacts, verify);
      await stage.run(ctx);
      const durationMs = Date.now() - started;
      emit({ type: 'stage', stage: stage.name, status: 'succeeded', durationMs });
      stages.push({ name: stage.name, status: 'succeeded', durationMs });
    } catch (err) {
      const durationMs = Date.now() - started;
      if (stageSignal.aborted) {
        emit({ type: 'stage', stage: stage.name, status: 'canceled', durationMs });
        stages.push({ name: stage.name, status: 'canceled', durationMs });
        throw new PipelineAbortError(stage.name);
      }
      const buildDirs = [opts.workDir, opts.outDir, opts.cacheDir];
      const failure = (await outOfDiskSpace(err, stage.name, buildDirs, lastLines)) ?? toPipelineError(err, stage.name, lastLines);
      emit({ type: 'stage', stage: stage.name, status: 'failed', durationMs, error: failure.message });
      stages.push({ name: stage.name, status: 'failed', durationMs });
      throw failure;
    }
  };

  for (const [index, wave] of groupConcurrentStages(plan).entries()) {
    if (signal.aborted) {
      for (const rest of groupConcurrentStages(plan).slice(index).flat()) stages.push({ name: rest.stage.name, status: 'canceled', durationMs: 0 });
      throw new PipelineAbortError(undefined);
    }
    for (const skipped of wave.filter((p) => !p.enabled)) {
      emit({ type: 'stage', stage: skipped.stage.name, status: 'skipped' });
      stages.push({ name: skipped.stage.name, status: 'skipped', durationMs: 0 });
    }
    const running = wave.filter((p) => p.enabled).map((p) => p.stage);
    if (running.length === 1 && running[0]) {
      await runStage(running[0], signal);
    } else if (running.length > 1) {
      await runConcurrently(running, signal, runStage);
    }
  }
  return { artifacts: artifacts.list(), verify, stages };
}

/**
 * Stages that only read the finished disk can overlap: the boot check (mostly one
 * emulated CPU) runs while qemu-img converts (mostly one other core). A failure in one
 * cancels its sibling and is what the build reports.
 */
export const CONCURRENT_STAGES: readonly (readonly StageName[])[] = [['formats', 'verify']];

export function groupConcurrentStages(plan: readonly PlannedStage[]): PlannedStage[][] {
  const waves: PlannedStage[][] = [];
  for (const planned of plan) {
    const previous = waves.at(-1);
    const group = CONCURRENT_STAGES.find((g) => g.includes(planned.stage.name));
    if (previous && group && previous.every((p) => group.includes(p.stage.name))) previous.push(planned);
    else waves.push([planned]);
  }
  return waves;
}

async function runConcurrently(group: Stage[], signal: AbortSignal, runStage: (stage: Stage, signal: AbortSignal) => Promise<void>): Promise<void> {
  const siblings = new AbortController();
  const onAbort = (): void => siblings.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const results = await Promise.allSettled(
      group.map((stage) =>
        runStage(stage, siblings.signal).catch((err: unknown) => {
          siblings.abort(); // one failed: stop the other instead of waiting for it
          throw err;
        }),
      ),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    const real = failures.find((f) => !(f instanceof PipelineAbortError));
    if (real) throw real;
    if (failures.length > 0) throw failures[0];
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

async function stageContext(
  opts: PipelineOptions,
  stage: Stage,
  lastLines: string[],
  artifacts: StageContext['artifacts'],
  verify: VerifyCheck[],
): Promise<StageContext> {
  const stageDir = join(opts.workDir, 'stages', stage.name);
  await mkdir(stageDir, { recursive: true });
  const log = (line: string, stream: 'stdout' | 'stderr' | 'info' = 'info'): void => {
    lastLines.push(line);
    if (lastLines.length > LAST_LINES) lastLines.shift();
    opts.emit({ type: 'log', stage: stage.name, stream, line });
  };
  let lastPercent = -1;
  return {
    spec: opts.spec,
    buildKey: opts.buildKey,
    workDir: opts.workDir,
    stageDir,
    outDir: opts.outDir,
    cacheDir: opts.cacheDir,
    cacheOutDir: opts.cacheOutDir ?? opts.cacheDir,
    signal: opts.signal,
    log,
    progress(percent, message) {
      const clamped = Math.max(0, Math.min(100, Math.round(percent)));
      // progress never goes backwards, and unchanged values are not re-sent
      if (clamped < lastPercent || (clamped === lastPercent && !message)) return;
      lastPercent = clamped;
      opts.emit({ type: 'progress', stage: stage.name, percent: clamped, ...(message ? { message } : {}) });
    },
    exec(command, args, options) {
      return runProcess(command, args, {
        ...options,
        signal: opts.signal,
        onLine: (line, stream) => {
          if (!options?.quiet) log(line, stream);
          options?.onLine?.(line, stream);
        },
      });
    },
    artifacts,
    recordCheck(check) {
      verify.push(check);
      opts.emit({ type: 'verify', check });
    },
    markTestImage(reason) {
      opts.emit({ type: 'testImage', reason });
    },
    published(image) {
      opts.emit({ type: 'published', image });
    },
    recordInputs(inputs) {
      opts.emit({ type: 'inputs', inputs });
    },
    signer: opts.signer,
  };
}

function toPipelineError(err: unknown, stage: StageName, lastLines: string[]): PipelineError {
  if (err instanceof PipelineError) return err.lastLines.length > 0 ? err : new PipelineError(err.message, err.stage, lastLines, { cause: err });
  if (err instanceof ExecError) {
    const lines = err.lastLines.length > 0 ? err.lastLines : lastLines;
    return new PipelineError(`${stage}: ${withToolErrors(err.message, lines)}`, stage, lines, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PipelineError(`${stage}: ${message}`, stage, lastLines, { cause: err });
}

/**
 * mmdebstrap and apt inside the image fetch by themselves, past the policy-checking
 * client, so their sources are checked here, before any stage runs. apt resolves the
 * names again later; a host that changes its answer in between is not caught.
 */
async function checkSourcePolicy(spec: NodeImage): Promise<void> {
  const hostMirror = spec.spec.os.mirror ? undefined : await hostDebianMirror();
  try {
    await assertSpecSourcesAllowed(spec.spec, sourcePolicyFromEnvironment(process.env), hostMirror);
  } catch (err) {
    if (err instanceof SourcePolicyError) throw new PipelineError(err.message, 'rootfs', [], { cause: err });
    throw err;
  }
}
