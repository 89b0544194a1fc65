import { readFile } from 'node:fs/promises';
import type { PipelineEvent } from '../../src/spec/build-events.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { PipelineAbortError, PipelineError, runPipeline } from '../pipeline/run-pipeline.ts';
import type { BuildProcessMessage } from './build-protocol.ts';
import { ParentLines, parentSigner, readJob } from './parent-channel.ts';
import { endBuildWhenParentDies } from './parent-watch.ts';
import { describeOwnSandbox } from '../pipeline/sandbox/build-sandbox.ts';
import { cacheOutDir } from '../pipeline/work-layout.ts';

/**
 * The child process that runs one build: reads the job from stdin, runs the pipeline
 * (signing included: the sign stage asks this process's parent, which holds the key),
 * and reports events and the result as JSON lines on stdout.
 * SIGTERM, or the parent going away, aborts the pipeline, which ends the tools it
 * started; after the parent's death whatever is left is killed too.
 */

let parentGone = () => false;
const send = (message: BuildProcessMessage) => {
  // Nobody reads any more: writing would only raise EPIPE again.
  if (!parentGone()) process.stdout.write(`${JSON.stringify(message)}\n`);
};
const emit = (event: PipelineEvent) => send({ kind: 'event', event });

async function main(): Promise<number> {
  const parentLines = new ParentLines(process.stdin);
  const job = await readJob(parentLines);
  const abort = new AbortController();
  process.once('SIGTERM', () => abort.abort());
  process.once('SIGINT', () => abort.abort());
  // The service died: do not leave a build running that nobody records.
  parentGone = endBuildWhenParentDies(job, abort).parentGone;

  const spec = nodeImageSchema.parse(job.spec);
  emit({ type: 'log', stage: 'rootfs', stream: 'info', line: describeOwnSandbox(await readFile('/proc/self/uid_map', 'utf8')) });
  try {
    const result = await runPipeline({
      spec,
      buildKey: job.buildKey,
      workDir: job.workDir,
      outDir: job.outDir,
      cacheDir: job.cacheDir,
      // the shared cache is read-only here; the service adopts what it can vouch for
      cacheOutDir: cacheOutDir(job.workDir),
      signal: abort.signal,
      emit,
      signer: parentSigner(parentLines, send),
    });
    const artifacts = result.artifacts.map((a) => ({ name: a.name, format: a.format, sizeBytes: a.sizeBytes, sha256: a.sha256, path: a.path }));
    send({ kind: 'done', artifacts });
    return 0;
  } catch (error) {
    const stage = error instanceof PipelineError || error instanceof PipelineAbortError ? (error.stage ?? null) : null;
    const lastLines = error instanceof PipelineError ? error.lastLines : [];
    send({ kind: 'failed', error: error instanceof Error ? error.message : String(error), stage, lastLines });
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // The parent-death handler ends the remaining tools and then exits.
    if (parentGone()) return;
    // Pending timers in stage code must not keep a finished build alive.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`build process: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
