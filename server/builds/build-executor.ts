import { mkdir } from 'node:fs/promises';
import type { ArtifactStorage } from '../artifact-storage/artifact-storage.ts';
import type { BuildEvent, PipelineEvent } from '../../src/spec/build-events.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import type { Signer } from '../pipeline/stage.ts';
import type { BuildRow } from '../store/build-rows.ts';
import type { RecordedArtifact, Store } from '../store/store.ts';
import { buildDirs, isInside } from './build-dirs.ts';
import type { BuildHandle, BuildOutcome, BuildRunner } from './build-runner.ts';
import type { EventHub } from './event-hub.ts';
import { recoverAbandonedBuilds } from './recover-builds.ts';
import { removeBuildDir } from './remove-build-dir.ts';
import { applyRetention, type RetentionPolicy } from './retention.ts';
import { WorkerPresence } from './worker-presence.ts';
import type { BuildLease, BuildQueue } from './queue/build-queue.ts';
import { RowQueue } from './queue/row-queue.ts';

export interface ExecutorOptions {
  store: Store;
  hub: EventHub;
  runner: BuildRunner;
  owner: string;
  dataDir: string;
  cacheDir: string;
  /** Signs finished builds' checksums (the key of STAMPER_SIGNING_KEY_DIR or the data dir's own). */
  signer: Signer;
  concurrency: number;
  buildTimeoutMs: number;
  stageTimeoutMs: number;
  retention: RetentionPolicy;
  /** Where succeeded builds' files are published for download (object storage); unset: they stay in outDir only. */
  artifactStorage?: ArtifactStorage;
  /** Where builds are claimed from; the store's queued rows by default (SQLite, one host). */
  queue?: BuildQueue;
  /** How often to look for work, cancels and dead owners written by other processes. */
  pollMs?: number;
  /** How often this process tells the worker registry it is alive (10 s by default). */
  heartbeatMs?: number;
  /** Where trouble the service works around goes (a leftover it could not remove); stderr by default. */
  warn?: (message: string) => void;
}

/** Why the service ended a build itself; `failure` covers timeouts and events it could not store. */
type StopReason = { kind: 'cancel' } | { kind: 'failure'; message: string } | { kind: 'shutdown' } | { kind: 'lease-lost'; message: string };

interface RunningBuild {
  lease: BuildLease;
  /** Unset until the build process started (directories are made first). */
  handle?: BuildHandle;
  stop?: StopReason;
  currentStage: string | null;
  /** Appends of this build's events, one after another, so they are stored and streamed in order. */
  appended: Promise<void>;
  /** Set once an append failed: nothing after a hole in the log is stored. */
  broken?: boolean;
}

/**
 * Takes queued builds from the store (atomically, so several processes can share one
 * queue), runs each through the runner, writes its events before anyone can stream
 * them, enforces timeouts, and records the final state.
 */
export class BuildExecutor {
  private readonly running = new Map<string, RunningBuild>();
  private readonly finishing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private recovering: Promise<void> | undefined;
  private waking: Promise<void> | undefined;
  private wakeAgain = false;
  /** Only a process that runs builds is a worker; an API-only one (concurrency 0) is not listed. */
  private readonly presence: WorkerPresence | undefined;
  private readonly queue: BuildQueue;

  constructor(private readonly options: ExecutorOptions) {
    this.queue = options.queue ?? new RowQueue(options.store);
    if (options.concurrency > 0) {
      this.presence = new WorkerPresence({
        store: options.store,
        id: options.owner,
        capacity: options.concurrency,
        heartbeatMs: options.heartbeatMs ?? 10_000,
        warn: this.warn,
      });
    }
  }

  /** Resolves once builds abandoned by dead processes are recorded as interrupted. */
  async start(): Promise<void> {
    await this.queue.start();
    // registered before the first claim, so a drain can name this worker from its first build on
    await this.presence?.start();
    // Not unref'd: a worker has nothing else keeping its process alive.
    this.timer = setInterval(() => this.poll(), this.options.pollMs ?? 1000);
    this.wake();
    await this.recover();
  }

  runningCount(): number {
    return this.running.size;
  }

  /** Starts as many queued builds as concurrency allows. */
  wake(): void {
    // One claiming loop at a time, or two could claim past the concurrency limit; a wake
    // during the loop runs it once more, so a build queued meanwhile is not left to the poll.
    if (this.waking) {
      this.wakeAgain = true;
      return;
    }
    this.waking = this.claimWhileFree()
      .catch((error: unknown) => this.warn(`claiming a build failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.waking = undefined;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  private async claimWhileFree(): Promise<void> {
    while (!this.stopped && this.running.size < this.options.concurrency) {
      // drained by an admin: finish what runs, take nothing new. The claim itself decides (in its own
      // transaction); asking first spares a queue job fetched only to be put back on every poll.
      if (await this.options.store.workerDraining(this.options.owner)) return;
      const claimed = await this.queue.claim(this.options.owner);
      if (!claimed) return;
      this.options.hub.publish(claimed.row.id, claimed.events);
      // launched even when stop() came meanwhile: the build is claimed, and stop() ends it as interrupted
      this.launch(claimed.row, claimed.lease);
    }
  }

  /** Cancels a build this process runs; returns false when it runs elsewhere (its owner polls the flag). */
  cancel(buildId: string): boolean {
    const build = this.running.get(buildId);
    if (!build) return false;
    this.stopBuild(buildId, { kind: 'cancel' });
    return true;
  }

  /** Ends every running build as interrupted and waits until each is recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.waking;
    for (const id of this.running.keys()) this.stopBuild(id, { kind: 'shutdown' });
    await Promise.all([...this.finishing, this.recovering]);
    await this.queue
      .stop()
      .catch((error: unknown) => this.warn(`could not stop the build queue cleanly: ${error instanceof Error ? error.message : String(error)}`));
    // a clean shutdown leaves no entry behind; only a process that died shows as stale
    await this.presence
      ?.stop()
      .catch((error: unknown) => this.warn(`could not deregister this worker: ${error instanceof Error ? error.message : String(error)}`));
  }

  private poll(): void {
    // A rejection here would be unhandled in a timer and end the service with every build it runs.
    this.pollCancels().catch((error: unknown) => this.warn(`poll failed: ${error instanceof Error ? error.message : String(error)}`));
    void this.recover();
    this.wake();
  }

  private async pollCancels(): Promise<void> {
    for (const [id, build] of this.running) {
      if (!build.stop && (await this.options.store.getRow(id))?.cancel_requested === 1) this.stopBuild(id, { kind: 'cancel' });
    }
  }

  /** One recovery at a time: removing a killed build's tree can take longer than a poll. */
  private recover(): Promise<void> {
    // elsewhere a lapsed queue lease, not a pid, tells that a build's worker died (server/builds/queue/)
    if (!this.queue.recoversByPid) return Promise.resolve();
    this.recovering ??= recoverAbandonedBuilds(this.options.store, this.options.hub, this.options.dataDir, this.options.owner, this.warn)
      .then(
        () => undefined,
        (error: unknown) => this.warn(`recovery failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        this.recovering = undefined;
      });
    return this.recovering;
  }

  private readonly warn = (message: string): void => {
    if (this.options.warn) this.options.warn(message);
    else process.stderr.write(`stamper: ${message}\n`);
  };

  /** A build's directory goes without following a mount out of it; what stays is logged, not thrown. */
  private async removeDir(buildId: string, dir: string): Promise<void> {
    const problems = await removeBuildDir(dir);
    if (problems.length > 0) this.warn(`build ${buildId}: leftover files could not be removed: ${problems.join('; ')}`);
  }

  private stopBuild(buildId: string, reason: StopReason): void {
    const build = this.running.get(buildId);
    // a lost lease overrides any other reason: this worker may no longer record the build at all
    if (!build || (build.stop && reason.kind !== 'lease-lost')) return;
    build.stop = reason;
    build.handle?.terminate();
  }

  private launch(row: BuildRow, lease: BuildLease): void {
    // Registered before any await, so stop() and cancel() see the build from the moment it is claimed.
    const build: RunningBuild = { lease, currentStage: null, appended: Promise.resolve() };
    this.running.set(row.id, build);
    lease.onLost((message) => {
      // another worker may take the build from now on: nothing more of it is written from here
      build.broken = true;
      this.warn(`build ${row.id}: ${message}`);
      this.stopBuild(row.id, { kind: 'lease-lost', message });
    });
    const finished = this.execute(row)
      .catch(async (error: unknown) => {
        if (build.stop?.kind === 'lease-lost') return;
        // Never leave a build in "running" because of a bug here.
        const message = error instanceof Error ? error.message : String(error);
        this.publish(row.id, await this.options.store.finish(row.id, 'failed', { error: `internal error: ${message}` }));
      })
      .finally(() => lease.release());
    this.finishing.add(finished);
    void finished.finally(() => {
      this.finishing.delete(finished);
      this.running.delete(row.id);
      this.wake();
    });
  }

  private async execute(row: BuildRow): Promise<void> {
    const { store, dataDir, cacheDir } = this.options;
    const dirs = buildDirs(dataDir, row.id);
    await mkdir(dirs.workDir, { recursive: true });
    await mkdir(dirs.outDir, { recursive: true });
    const spec = nodeImageSchema.parse(JSON.parse(row.spec_json));
    const build = this.running.get(row.id);
    if (!build) throw new Error(`build ${row.id} is not registered`);
    if (build.stop) {
      await this.removeDir(row.id, dirs.workDir);
      return this.record(row, { status: 'failed', error: 'stopped before it started', stage: null, lastLines: [] }, build);
    }
    const refusal = await this.options.runner.prepare?.();
    if (refusal) {
      await this.removeDir(row.id, dirs.workDir);
      return this.record(row, { status: 'failed', error: refusal, stage: null, lastLines: [] }, build);
    }

    let stageTimer: NodeJS.Timeout | undefined;
    const append = async (events: PipelineEvent[]) => {
      if (build.broken) return;
      try {
        this.publish(row.id, await store.appendEvents(row.id, events));
      } catch (error) {
        // An event that cannot be stored must not be streamed, and a build with a hole in its log is not trustworthy.
        build.broken = true;
        const message = error instanceof Error ? error.message : String(error);
        this.stopBuild(row.id, { kind: 'failure', message: `could not record build events: ${message}` });
      }
    };
    const onEvents = (events: PipelineEvent[]) => {
      build.appended = build.appended.then(() => append(events));
      for (const event of events) {
        if (event.type !== 'stage') continue;
        clearTimeout(stageTimer);
        if (event.status === 'started') {
          build.currentStage = event.stage;
          const limit = this.options.stageTimeoutMs;
          stageTimer = setTimeout(() => this.stopBuild(row.id, { kind: 'failure', message: `stage ${event.stage} took longer than ${limit / 1000} s` }), limit);
        }
      }
    };
    const handle = this.options.runner.start(
      { buildId: row.id, buildKey: row.build_key, spec, workDir: dirs.workDir, outDir: dirs.outDir, cacheDir, signer: this.options.signer },
      onEvents,
    );
    build.handle = handle;
    await store.recordProcess(row.id, handle.pid);
    const buildLimit = this.options.buildTimeoutMs;
    const buildTimer = setTimeout(() => this.stopBuild(row.id, { kind: 'failure', message: `build took longer than ${buildLimit / 1000} s` }), buildLimit);

    const outcome = await handle.outcome;
    clearTimeout(buildTimer);
    clearTimeout(stageTimer);
    // the final state comes after every event the build sent
    await build.appended;
    await this.removeDir(row.id, dirs.workDir);
    await this.record(row, outcome, build);
  }

  private async record(row: BuildRow, outcome: BuildOutcome, build: RunningBuild): Promise<void> {
    const { store } = this.options;
    const { outDir } = buildDirs(this.options.dataDir, row.id);
    let stop = build.stop;
    if (stop?.kind === 'lease-lost') {
      // the build is the queue's again; whoever handles the lapsed lease records it
      await this.removeDir(row.id, outDir);
      return;
    }
    if (!stop && outcome.status === 'succeeded') {
      const artifacts = outcome.artifacts.filter((a) => isInside(outDir, a.path) && !a.name.includes('/'));
      // Published before "succeeded" is recorded, so whoever sees it can download from any replica; a failed upload fails the build.
      const { artifactStorage } = this.options;
      const unstored = await artifactStorage?.publish(row.id, artifacts).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      if (unstored === undefined) {
        if (artifactStorage?.remote) await this.removeDir(row.id, outDir);
        await store.recordArtifactPaths(row.id, artifacts satisfies RecordedArtifact[]);
        // Before the final state, so whoever sees "succeeded" sees retention already applied.
        // A failed clean-up of old builds must not fail this one; the next success tries again.
        await applyRetention(store, this.options.dataDir, this.options.retention, row.id, artifactStorage).catch(() => undefined);
        this.publish(row.id, await store.finish(row.id, 'succeeded'));
        return;
      }
      stop = { kind: 'failure', message: `the artifacts could not be stored: ${unstored}` };
    }
    await this.removeDir(row.id, outDir);
    if (stop?.kind === 'cancel') {
      this.publish(row.id, await store.finish(row.id, 'canceled', { reason: 'canceled by request' }));
    } else if (stop?.kind === 'shutdown') {
      this.publish(row.id, await store.finish(row.id, 'interrupted', { reason: 'the service stopped while this build ran' }));
    } else if (stop?.kind === 'failure') {
      this.publish(row.id, await store.finish(row.id, 'failed', { error: stop.message, failedStage: build.currentStage ?? undefined }));
    } else if (outcome.status === 'failed') {
      const failedStage = outcome.stage ?? build.currentStage ?? undefined;
      this.publish(row.id, await store.finish(row.id, 'failed', { error: outcome.error, failedStage }));
    }
  }

  private publish(buildId: string, events: BuildEvent[]): void {
    this.options.hub.publish(buildId, events);
  }
}
