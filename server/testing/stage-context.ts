import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineEvent, StageName } from '../../src/spec/build-events.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import { createArtifactRegistry } from '../pipeline/artifact-registry.ts';
import { runProcess } from '../pipeline/exec.ts';
import type { Signer, StageContext } from '../pipeline/stage.ts';

export interface TestStageOptions {
  spec: NodeImage;
  stage: StageName;
  workDir: string;
  /** Default: workDir/out. */
  outDir?: string;
  signer?: Signer;
  /** Every event the stage reports; default: collected in the returned array only. */
  emit?: (event: PipelineEvent) => void;
}

/**
 * A StageContext for running one real stage on its own, as the runner would hand it:
 * real programs, a real artifact registry, events collected in order. Only what the
 * runner adds around a stage (timings, stage events, failure wrapping) is missing.
 */
export async function testStageContext(options: TestStageOptions): Promise<{ ctx: StageContext; events: PipelineEvent[] }> {
  const events: PipelineEvent[] = [];
  const emit = (event: PipelineEvent): void => {
    events.push(event);
    options.emit?.(event);
  };
  const outDir = options.outDir ?? join(options.workDir, 'out');
  const stageDir = join(options.workDir, 'stages', options.stage);
  await mkdir(stageDir, { recursive: true });
  await mkdir(outDir, { recursive: true });
  const signal = new AbortController().signal;
  const log = (line: string, stream: 'stdout' | 'stderr' | 'info' = 'info'): void => emit({ type: 'log', stage: options.stage, stream, line });
  const ctx: StageContext = {
    spec: options.spec,
    buildKey: 'b'.repeat(64),
    workDir: options.workDir,
    stageDir,
    outDir,
    cacheDir: join(options.workDir, 'cache'),
    cacheOutDir: join(options.workDir, 'cache'),
    signal,
    log,
    progress: (percent, message) => emit({ type: 'progress', stage: options.stage, percent, ...(message ? { message } : {}) }),
    exec: (command, args, execOptions) =>
      runProcess(command, args, {
        ...execOptions,
        signal,
        onLine: (line, stream) => {
          if (!execOptions?.quiet) log(line, stream);
          execOptions?.onLine?.(line, stream);
        },
      }),
    artifacts: createArtifactRegistry((artifact) => emit({ type: 'artifact', artifact })),
    recordCheck: (check) => emit({ type: 'verify', check }),
    markTestImage: (reason) => emit({ type: 'testImage', reason }),
    published: (image) => emit({ type: 'published', image }),
    recordInputs: (inputs) => emit({ type: 'inputs', inputs }),
    signer: options.signer ?? { sign: () => Promise.reject(new Error(`the ${options.stage} stage has no signer in this test`)) },
  };
  return { ctx, events };
}
