import type { BuildState } from '../../src/spec/build-events.ts';
import type { BuildEventBody } from '../../src/spec/build-events.ts';
import type { BuildUpdates } from '../../src/spec/updates-api.ts';
import type { BuildFilters, NewBuild, RecordedArtifact } from './build-store.ts';
import { BuildStore } from './build-store.ts';
import { buildsOnChannels, channelsOfBuild } from './channel-rows.ts';
import { buildInputs, saveBuildUpdates, storedBuildUpdates, updateCounts } from './lineage-rows.ts';
import { openDatabase, type SqliteDatabase } from './open-database.ts';
import type { EventsCommitted, FinishDetails, Store } from './store.ts';
import { WorkerRows, type WorkerRegistration } from './worker-rows.ts';

/**
 * The embedded default: the synchronous SQLite build store (one file in the data dir)
 * behind the async Store interface. Each call is still one synchronous transaction, so
 * nothing about SQLite's behaviour changes; only the callers await.
 */
export class SqliteStore implements Store {
  readonly rows: BuildStore;
  private readonly workers: WorkerRows;

  constructor(db: SqliteDatabase) {
    this.rows = new BuildStore(db);
    this.workers = new WorkerRows(db);
  }

  static open(dataDir: string): SqliteStore {
    return new SqliteStore(openDatabase(dataDir));
  }

  /** For what is still SQLite-only (the channel service's own tables). */
  get db(): SqliteDatabase {
    return this.rows.db;
  }

  async createOrReuse(input: NewBuild, force: boolean) {
    return this.rows.createOrReuse(input, force);
  }
  async findReusable(buildKey: string) {
    return this.rows.findReusable(buildKey);
  }
  async getRow(id: string) {
    return this.rows.getRow(id);
  }
  async detail(id: string) {
    return this.rows.detail(id);
  }
  async list(filters: BuildFilters) {
    return this.rows.list(filters);
  }
  async appendEvents(buildId: string, bodies: BuildEventBody[]) {
    return this.rows.appendEvents(buildId, bodies);
  }
  async eventsAfter(buildId: string, after: number, limit?: number) {
    return this.rows.eventsAfter(buildId, after, limit);
  }
  async claimNextQueued(owner: string, buildId?: string) {
    // A drained worker claims nothing, asked in the claim's own transaction (the build store's
    // nests in it as a savepoint): a build submitted after the drain answered is never taken by it.
    return this.db.transaction(() => (this.workers.isDraining(owner) ? undefined : this.rows.claimNextQueued(owner, buildId))).immediate();
  }
  async claimForRecovery(buildId: string, deadOwner: string | null, recoverer: string | null) {
    return this.rows.claimForRecovery(buildId, deadOwner, recoverer);
  }
  async recordProcess(buildId: string, pid: number) {
    this.rows.recordProcess(buildId, pid);
  }
  async finish(buildId: string, state: BuildState, details?: FinishDetails) {
    return this.rows.finish(buildId, state, details);
  }
  async cancelIfQueued(buildId: string) {
    return this.rows.cancelIfQueued(buildId);
  }
  async requestCancel(buildId: string) {
    this.rows.requestCancel(buildId);
  }
  async recordArtifactPaths(buildId: string, artifacts: RecordedArtifact[]) {
    this.rows.recordArtifactPaths(buildId, artifacts);
  }
  async artifacts(buildId: string) {
    return this.rows.artifacts(buildId);
  }
  async artifact(buildId: string, name: string) {
    return this.rows.artifact(buildId, name);
  }
  async dropArtifacts(buildId: string, mark: 'deleted' | 'pruned') {
    this.rows.dropArtifacts(buildId, mark);
  }
  async runningRows() {
    return this.rows.runningRows();
  }
  async queueLength() {
    return this.rows.queueLength();
  }
  async countsByState() {
    return this.rows.countsByState();
  }
  async stageDurations() {
    return this.rows.stageDurations();
  }
  async buildsWithArtifacts(newest?: string) {
    return this.rows.buildsWithArtifacts(newest);
  }
  async buildInputs(buildId: string) {
    return buildInputs(this.db, buildId);
  }
  async updateCounts(buildId: string) {
    return updateCounts(this.db, buildId);
  }
  async saveBuildUpdates(updates: BuildUpdates) {
    saveBuildUpdates(this.db, updates);
  }
  async storedBuildUpdates(buildId: string) {
    return storedBuildUpdates(this.db, buildId);
  }
  async checkableBuildIds() {
    const rows = this.db
      .prepare(`SELECT DISTINCT b.id FROM builds b JOIN build_inputs i ON i.build_id = b.id WHERE b.state = 'succeeded' AND b.deleted = 0`)
      .all() as { id: string }[];
    return rows.map((row) => row.id);
  }
  async channelsOfBuild(buildId: string) {
    return channelsOfBuild(this.db, buildId);
  }
  async buildsOnChannels() {
    return buildsOnChannels(this.db);
  }
  async registerWorker(worker: WorkerRegistration) {
    this.workers.register(worker);
  }
  async heartbeatWorker(id: string) {
    return this.workers.heartbeat(id);
  }
  async deregisterWorker(id: string) {
    this.workers.deregister(id);
  }
  async listWorkers() {
    return this.workers.list();
  }
  async setWorkerDraining(id: string, draining: boolean) {
    return this.workers.setDraining(id, draining);
  }
  async workerDraining(id: string) {
    return this.workers.isDraining(id);
  }
  async watchEvents(_listener: EventsCommitted) {
    // one process writes and publishes in-process; readers poll for what workers on the same file wrote
    return async () => undefined;
  }
  async ready() {
    // opened and migrated synchronously by open()
  }
  async close() {
    this.db.close();
  }
}
