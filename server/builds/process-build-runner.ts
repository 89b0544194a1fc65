import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { PipelineEvent } from '../../src/spec/build-events.ts';
import { BUILD_ID_ENV, buildProcessMessageSchema, MAX_MESSAGE_LINE_CHARS, type BuildJobMessage } from './build-protocol.ts';
import type { BuildHandle, BuildJob, BuildOutcome, BuildRunner } from './build-runner.ts';
import { findBuildProcesses, killBuildProcesses, signalGroup } from './process-tree.ts';
import { adoptCacheEntries } from '../pipeline/cache-adoption.ts';
import { osLayerKey } from '../pipeline/rootfs/os-layer-key.ts';
import type { BuildInput } from '../../src/spec/build-inputs.ts';
import { type BuildSandbox, SANDBOX_MODE_ENV, hostRootSandbox } from '../pipeline/sandbox/build-sandbox.ts';
import { cacheOutDir } from '../pipeline/work-layout.ts';
import { BuildSigning } from './sign-request.ts';

export interface ProcessRunnerOptions {
  /** The TypeScript file the child runs; it speaks the protocol in build-protocol.ts. */
  script: string;
  /** Extra environment for the child (tests use it to pick a scenario). */
  env?: Record<string, string>;
  /** Between SIGTERM and SIGKILL; the pipeline's own tools get 3 s, so this is a little longer. */
  killGraceMs?: number;
  /**
   * How the child runs (see build-sandbox.ts); host root when unset, which only tests
   * that run scripted children use. A rejected promise refuses every build with its message.
   */
  sandbox?: BuildSandbox | Promise<BuildSandbox>;
}

const STDERR_LINES = 40;
const tsxLoader = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');

export const realBuildScript = path.join(import.meta.dirname, 'build-process.ts');
/** What a sandboxed build must be able to read to start at all. */
export const buildProgramFiles = [realBuildScript, tsxLoader];

/**
 * Runs each build as `node --import tsx <script>` leading its own process group, so
 * cancel signals the whole tree and a crash of the build cannot take the server with it.
 * Events arrive as JSON lines on stdout and are handed over in the batches they came in.
 */
export class ProcessBuildRunner implements BuildRunner {
  private sandbox: BuildSandbox = hostRootSandbox;
  private readonly ready: Promise<string | undefined>;

  constructor(private readonly options: ProcessRunnerOptions) {
    this.ready = Promise.resolve(options.sandbox ?? hostRootSandbox).then(
      (sandbox) => {
        this.sandbox = sandbox;
        return undefined;
      },
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    );
  }

  prepare(): Promise<string | undefined> {
    return this.ready;
  }

  start(job: BuildJob, onEvents: (events: PipelineEvent[]) => void): BuildHandle {
    const sandbox = this.sandbox;
    // the build's scratch space; HOME and TMPDIR point into it, never at the service's own
    const tmp = path.join(job.workDir, 'tmp');
    for (const dir of [job.workDir, tmp, job.outDir]) {
      mkdirSync(dir, { recursive: true });
      sandbox.claim(dir);
    }
    const [command, ...prefix] = [...sandbox.prefix, process.execPath];
    const child = spawn(command as string, [...prefix, '--import', tsxLoader, this.options.script], {
      cwd: path.dirname(this.options.script),
      env: { ...process.env, HOME: tmp, TMPDIR: tmp, ...this.options.env, [BUILD_ID_ENV]: job.buildId, [SANDBOX_MODE_ENV]: sandbox.mode },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stderrLines: string[] = [];
    // Without a listener a spawn failure would be an uncaught 'error' event and take the server down.
    child.on('error', (error) => keepLast(stderrLines, `could not run the build process: ${error.message}`));
    if (child.pid === undefined) throw new Error('could not start the build process');
    const pid = child.pid;
    const { buildId, buildKey, workDir, outDir, cacheDir } = job;
    const message: BuildJobMessage = { buildId, buildKey, spec: job.spec as unknown as Record<string, unknown>, workDir, outDir, cacheDir };
    child.stdin.on('error', () => undefined);
    child.stdin.write(`${JSON.stringify(message)}\n`);

    let result: BuildOutcome | undefined;
    let pending = '';
    const decoder = new StringDecoder('utf8');
    const signing = new BuildSigning(job, (answer) => child.stdin.write(`${JSON.stringify(answer)}\n`));
    // the base tree's cache key includes the state of the sources the build read
    const inputs: BuildInput[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + decoder.write(chunk)).split('\n');
      pending = lines.pop() ?? '';
      if (pending.length > MAX_MESSAGE_LINE_CHARS) {
        keepLast(stderrLines, `(dropped a ${pending.length}-character line from the build process)`);
        pending = '';
      }
      const events: PipelineEvent[] = [];
      for (const line of lines) {
        if (!line.trim()) continue;
        const parsed = line.length > MAX_MESSAGE_LINE_CHARS ? undefined : parseMessage(line);
        if (!parsed) {
          keepLast(stderrLines, line.slice(0, 1000));
          continue;
        }
        if (parsed.kind === 'event') {
          events.push(parsed.event);
          signing.noteEvent(parsed.event);
          if (parsed.event.type === 'inputs') inputs.push(...parsed.event.inputs);
        } else if (parsed.kind === 'sign') {
          // whoever signs sees every event before it, as the build sent them
          if (events.length > 0) onEvents(events.splice(0));
          signing.request(parsed.sums);
        } else if (parsed.kind === 'done') result = { status: 'succeeded', artifacts: parsed.artifacts };
        else result = { status: 'failed', error: parsed.error, stage: parsed.stage, lastLines: parsed.lastLines };
      }
      if (events.length > 0) onEvents(events);
    });
    const stderrDecoder = new StringDecoder('utf8');
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of stderrDecoder.write(chunk).split('\n')) if (line.trim()) keepLast(stderrLines, line);
    });

    let terminating = false;
    const graceMs = this.options.killGraceMs ?? 4000;
    const outcome = new Promise<BuildOutcome>((resolve) => {
      child.on('close', (code, signal) => {
        signing.close();
        void (async () => {
          // A canceled build's tools may still be exiting; the outcome means the tree is gone.
          if (terminating) await reapLeftovers(job.buildId, graceMs);
          await takeBack(job, sandbox, inputs).catch((error: unknown) => keepLast(stderrLines, `taking the build's files back failed: ${String(error)}`));
          if (result?.status === 'succeeded' && code === 0) return resolve(result);
          if (result?.status === 'failed') return resolve(result);
          const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
          resolve({ status: 'failed', error: `the build process ${how}`, stage: null, lastLines: [...stderrLines] });
        })();
      });
    });

    return {
      pid,
      outcome,
      terminate: () => {
        if (terminating) return;
        terminating = true;
        signalGroup(pid, 'SIGTERM');
        const timer = setTimeout(() => killBuildProcesses(job.buildId, pid), graceMs);
        timer.unref();
        void outcome.then(() => clearTimeout(timer));
      },
    };
  }
}

/**
 * Once the build process has exited: whatever it left running is ended first (nothing of
 * the build may race the service below), its artifacts become the service's, and the
 * cache entries the service can vouch for join the cache.
 */
async function takeBack(job: BuildJob, sandbox: BuildSandbox, inputs: readonly BuildInput[]): Promise<void> {
  killBuildProcesses(job.buildId, null);
  if (existsSync(job.outDir)) sandbox.release(job.outDir);
  const staging = cacheOutDir(job.workDir);
  if (!existsSync(staging)) return;
  // the work dir first, so the staging directory below it cannot be swapped for a link
  sandbox.release(job.workDir, { recursive: false });
  sandbox.release(staging);
  // the key is the service's own computation from the spec; only the sources' state comes from the build, and a build can
  // only name a tree for its own spec (the spec is in the key), as without the inputs
  const { refused } = await adoptCacheEntries(staging, job.cacheDir, osLayerKey(job.spec.spec, inputs));
  for (const entry of refused) process.stderr.write(`build ${job.buildId}: cache entry not adopted: ${entry}\n`);
}

function parseMessage(line: string) {
  try {
    const parsed = buildProcessMessageSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function keepLast(lines: string[], line: string): void {
  lines.push(line);
  if (lines.length > STDERR_LINES) lines.shift();
}

async function reapLeftovers(buildId: string, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (findBuildProcesses(buildId).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  killBuildProcesses(buildId, null);
}
