import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { PipelineEvent } from '../../src/spec/build-events.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { PipelineAbortError, PipelineError, runPipeline } from '../pipeline/run-pipeline.ts';
import { signBuildOutputs } from '../signing/sign-build-outputs.ts';
import { sha256File, SIGNATURE_FILE, SUMS_FILE } from '../signing/sha256sums.ts';
import { buildJobSchema, type BuildJobMessage, type BuildProcessMessage } from './build-protocol.ts';
import { endBuildWhenParentDies } from './parent-watch.ts';
import { describeOwnSandbox } from '../pipeline/sandbox/build-sandbox.ts';
import { cacheOutDir } from '../pipeline/work-layout.ts';

/**
 * The child process that runs one build: reads the job from stdin, runs the pipeline
 * and then signing, and reports events and the result as JSON lines on stdout.
 * SIGTERM, or the parent going away, aborts the pipeline, which ends the tools it
 * started; after the parent's death whatever is left is killed too.
 */

let parentGone = () => false;
const send = (message: BuildProcessMessage) => {
  // Nobody reads any more: writing would only raise EPIPE again.
  if (!parentGone()) process.stdout.write(`${JSON.stringify(message)}\n`);
};
const emit = (event: PipelineEvent) => send({ kind: 'event', event });

/** Reads the first line without ending stdin: its later close is how the parent's death shows. */
function readJob(): Promise<BuildJobMessage> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let text = '';
    const onData = (chunk: Buffer) => {
      text += decoder.write(chunk);
      const end = text.indexOf('\n');
      if (end < 0) return;
      process.stdin.off('data', onData);
      try {
        resolve(buildJobSchema.parse(JSON.parse(text.slice(0, end))));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    process.stdin.on('data', onData);
    process.stdin.once('end', () => reject(new Error('no job on stdin')));
  });
}

async function signOutputs(job: BuildJobMessage) {
  const started = Date.now();
  emit({ type: 'stage', stage: 'sign', status: 'started' });
  await signBuildOutputs(job.outDir, job.keyDir);
  const signed = [];
  for (const name of [SUMS_FILE, SIGNATURE_FILE]) {
    const file = path.join(job.outDir, name);
    const artifact = { name, format: name === SUMS_FILE ? 'sha256sums' : 'signature', sizeBytes: (await stat(file)).size, sha256: await sha256File(file) };
    emit({ type: 'artifact', artifact });
    signed.push({ ...artifact, path: file });
  }
  emit({ type: 'stage', stage: 'sign', status: 'succeeded', durationMs: Date.now() - started });
  return signed;
}

async function main(): Promise<number> {
  const job = await readJob();
  const abort = new AbortController();
  process.once('SIGTERM', () => abort.abort());
  process.once('SIGINT', () => abort.abort());
  // The service died: do not leave a build running that nobody records.
  parentGone = endBuildWhenParentDies(job, abort).parentGone;
  process.stdin.resume();

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
    });
    if (abort.signal.aborted) throw new PipelineAbortError('sign');
    const signed = await signOutputs(job).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      emit({ type: 'stage', stage: 'sign', status: 'failed', error: message });
      throw new PipelineError(message, 'sign');
    });
    const artifacts = result.artifacts.map((a) => ({ name: a.name, format: a.format, sizeBytes: a.sizeBytes, sha256: a.sha256, path: a.path }));
    send({ kind: 'done', artifacts: [...artifacts, ...signed] });
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
