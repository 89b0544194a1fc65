import { rm } from 'node:fs/promises';
import type { BuildList, Stale } from '../../src/spec/build-api.ts';
import { finishedStates, type BuildEvent } from '../../src/spec/build-events.ts';
import { nodeImageSchema, type NodeImage } from '../../src/spec/schema.ts';
import { planStages } from '../../src/spec/stage-plan.ts';
import type { ValidSpec } from '../specs/check-spec-text.ts';
import type { BuildFilters, Store, StoredBuild } from '../store/store.ts';
import { buildDirs } from './build-dirs.ts';
import type { BuildExecutor } from './build-executor.ts';
import type { BuildQueue } from './queue/build-queue.ts';
import { freeBytes } from './disk-space.ts';
import type { EventHub } from './event-hub.ts';
import { notFound, ServiceError } from './service-error.ts';
import { staleness, type InputsProbe } from './staleness.ts';

export interface BuildServiceOptions {
  store: Store;
  hub: EventHub;
  executor: BuildExecutor;
  /** Offers each new build to the workers (a no-op where the queued rows are the queue). */
  queue?: BuildQueue;
  dataDir: string;
  minFreeBytes: number;
  /** Reads the sources' state now, to tell a reused build whose inputs moved on. */
  inputsProbe?: InputsProbe;
}

export interface SubmitResult {
  build: StoredBuild;
  reused: boolean;
  /** Set when the reused build's sources have moved on since it was built. */
  stale?: Stale;
}

/**
 * What the API can do with builds. A spec's build key decides reuse: a queued, running
 * or succeeded build with the same key is returned instead of a new one. The check and
 * the insert are one store transaction, so concurrent identical submissions (from any
 * process) end up with one build.
 */
export class BuildService {
  constructor(private readonly options: BuildServiceOptions) {}

  /** Whether a finished or active build already answers this build key (so it needs no preflight). */
  async hasReusable(buildKey: string): Promise<boolean> {
    return (await this.options.store.findReusable(buildKey)) !== undefined;
  }

  /**
   * A new build of a spec already checked with requireValidSpec (the route checks it once,
   * before its preflight). `successor`: when the build that would be reused is stale,
   * build its successor instead of answering with it.
   */
  async create(checked: ValidSpec, force: boolean, successor = false): Promise<SubmitResult> {
    return this.submit({ buildKey: checked.buildKey, spec: checked.spec, specYaml: checked.specYaml }, force, successor);
  }

  /** The same spec built again from today's sources, recorded as the successor of `id`. */
  async rebuild(id: string): Promise<SubmitResult> {
    const row = await this.requireRow(id);
    if (row.state !== 'succeeded') throw new ServiceError('not_rebuildable', `a ${row.state} build cannot be rebuilt; retry it instead`);
    const spec = nodeImageSchema.parse(JSON.parse(row.spec_json));
    return this.submit({ buildKey: row.build_key, spec, specYaml: row.spec_yaml, supersedes: row.id }, true);
  }

  /**
   * The spec a retry of this build submits again, or not_retryable. The route runs the
   * source preflight on it first, as for a new submission: a source may have gone since.
   */
  async retryableSpec(id: string): Promise<ValidSpec> {
    const row = await this.requireRow(id);
    if (!['failed', 'canceled', 'interrupted'].includes(row.state)) {
      throw new ServiceError('not_retryable', `a ${row.state} build cannot be retried`);
    }
    const spec = nodeImageSchema.parse(JSON.parse(row.spec_json));
    return { ok: true, spec, specYaml: row.spec_yaml, buildKey: row.build_key, issues: [] };
  }

  /** `attempt` counts the builds of this spec after lost workers (the queue's retry policy); 1 for a user's retry. */
  async retry(id: string, attempt = 1): Promise<{ build: StoredBuild; reused: boolean }> {
    const { spec, specYaml, buildKey } = await this.retryableSpec(id);
    return this.submit({ buildKey, spec, specYaml, retryOf: id }, false, false, attempt);
  }

  private async submit(
    request: { buildKey: string; spec: NodeImage; specYaml: string; retryOf?: string; supersedes?: string },
    forced: boolean,
    successor = false,
    attempt = 1,
  ): Promise<SubmitResult> {
    const { store } = this.options;
    let input = request;
    let force = forced;
    const existing = force ? undefined : await store.findReusable(input.buildKey);
    if (existing) {
      const stale = existing.state === 'succeeded' ? await staleness(store, this.options.inputsProbe, existing.id, input.spec) : undefined;
      if (!stale) return { build: await this.detail(existing.id), reused: true };
      if (!successor) return { build: await this.detail(existing.id), reused: true, stale };
      input = { ...input, supersedes: existing.id };
      force = true;
    }
    const free = await freeBytes(this.options.dataDir);
    if (free < this.options.minFreeBytes) {
      const gib = (n: number) => (n / 1024 ** 3).toFixed(1);
      throw new ServiceError(
        'insufficient_storage',
        `only ${gib(free)} GiB free in the data directory; builds need at least ${gib(this.options.minFreeBytes)} GiB`,
      );
    }
    const created = await store.createOrReuse({ ...input, stages: planStages(input.spec).map((planned) => planned.name) }, force);
    this.options.hub.publish(created.row.id, created.events);
    if (!created.reused) {
      await this.offer(created.row.id, attempt);
      this.options.executor.wake();
    }
    return { build: await this.detail(created.row.id), reused: created.reused };
  }

  /** A build the queue did not take would wait forever: it is recorded failed and the submitter told. */
  private async offer(buildId: string, attempt: number): Promise<void> {
    try {
      await this.options.queue?.enqueue(buildId, attempt);
    } catch (error) {
      const message = `the build queue did not take the build: ${error instanceof Error ? error.message : String(error)}`;
      this.options.hub.publish(buildId, await this.options.store.finish(buildId, 'failed', { error: message }));
      throw new ServiceError('queue_unavailable', message);
    }
  }

  async detail(id: string): Promise<StoredBuild> {
    const detail = await this.options.store.detail(id);
    if (!detail) throw notFound('build');
    return detail;
  }

  async list(filters: BuildFilters): Promise<BuildList> {
    return this.options.store.list(filters);
  }

  async cancel(id: string): Promise<StoredBuild> {
    const { store, hub, executor } = this.options;
    const row = await this.requireRow(id);
    if (finishedStates.includes(row.state)) throw new ServiceError('not_cancelable', `the build already ${row.state}`);
    const canceled = await store.cancelIfQueued(id);
    if (canceled) {
      hub.publish(id, canceled);
    } else {
      // Running: here, or in a worker that sees the flag on its next poll.
      await store.requestCancel(id);
      executor.cancel(id);
    }
    return this.detail(id);
  }

  async remove(id: string): Promise<StoredBuild> {
    const row = await this.requireRow(id);
    if (row.state === 'running' || row.state === 'queued') {
      throw new ServiceError('build_active', 'cancel the build before deleting it');
    }
    const channels = await this.options.store.channelsOfBuild(id);
    if (channels.length > 0) {
      const names = channels.map((c) => `${c.image}/${c.channel}`).join(', ');
      throw new ServiceError('on_channel', `build ${id} is on ${names}: promote another build there (or roll back) before deleting it`);
    }
    await rm(buildDirs(this.options.dataDir, id).outDir, { recursive: true, force: true });
    await this.options.store.dropArtifacts(id, 'deleted');
    return this.detail(id);
  }

  async eventsAfter(id: string, after: number): Promise<BuildEvent[]> {
    return this.options.store.eventsAfter(id, after);
  }

  private async requireRow(id: string) {
    const row = await this.options.store.getRow(id);
    if (!row) throw notFound('build');
    return row;
  }
}
