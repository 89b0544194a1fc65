import type { BuildList } from '../../src/spec/build-api.ts';
import type { BuildEvent, BuildEventBody, BuildState } from '../../src/spec/build-events.ts';
import type { BuildInput } from '../../src/spec/build-inputs.ts';
import type { UpdateCounts } from '../../src/spec/build-api.ts';
import type { BuildUpdates } from '../../src/spec/updates-api.ts';
import type { ArtifactRow, BuildRow } from './build-rows.ts';
import type { BuildFilters, NewBuild, RecordedArtifact, StoredBuild } from './build-store.ts';
import type { WorkerRecord, WorkerRegistration } from './worker-rows.ts';

export type { BuildFilters, NewBuild, RecordedArtifact, StoredBuild } from './build-store.ts';
export type { WorkerRecord, WorkerRegistration } from './worker-rows.ts';

export interface FinishDetails {
  error?: string;
  failedStage?: string;
  reason?: string;
}

/**
 * The one persistence interface the service, the executor and the routes use: builds,
 * stages, the append-only event log, artifacts, and the reads of lineage, updates and
 * channels they need. SQLite (the embedded default, server/store/sqlite-store.ts) and
 * Postgres (scale-out, server/store/postgres/) implement it, and one contract suite
 * (server/store/store-contract.ts) runs against both so they cannot drift.
 *
 * Every write that appends events is one transaction that also numbers them, so
 * sequence numbers per build are gap-free with any number of processes writing.
 */
export interface Store {
  /** The queued/running/succeeded build with this key, or a new queued one; one build per key however many processes submit at once. */
  createOrReuse(input: NewBuild, force: boolean): Promise<{ row: BuildRow; reused: boolean; events: BuildEvent[] }>;
  findReusable(buildKey: string): Promise<BuildRow | undefined>;
  getRow(id: string): Promise<BuildRow | undefined>;
  detail(id: string): Promise<StoredBuild | undefined>;
  list(filters: BuildFilters): Promise<BuildList>;
  /** Appends events durably and returns them with their sequence numbers, ready to stream. */
  appendEvents(buildId: string, bodies: BuildEventBody[]): Promise<BuildEvent[]>;
  eventsAfter(buildId: string, after: number, limit?: number): Promise<BuildEvent[]>;
  /**
   * Takes the oldest queued build for `owner` (or `buildId`, the one a queue handed out, while
   * it is still queued: undefined once canceled or taken); each build goes to exactly one claimer.
   * Undefined too while `owner` is a worker an admin drained, decided in the claim's own transaction.
   */
  claimNextQueued(owner: string, buildId?: string): Promise<{ row: BuildRow; events: BuildEvent[] } | undefined>;
  /** Hands a running build of a dead owner to `recoverer`; of several at once exactly one gets true. */
  claimForRecovery(buildId: string, deadOwner: string | null, recoverer: string | null): Promise<boolean>;
  recordProcess(buildId: string, pid: number): Promise<void>;
  /** Moves a build to a final state with its reason as the last event. */
  finish(buildId: string, state: BuildState, details?: FinishDetails): Promise<BuildEvent[]>;
  /** Cancels a build that has not started; undefined when a runner claimed it first. */
  cancelIfQueued(buildId: string): Promise<BuildEvent[] | undefined>;
  requestCancel(buildId: string): Promise<void>;
  recordArtifactPaths(buildId: string, artifacts: RecordedArtifact[]): Promise<void>;
  artifacts(buildId: string): Promise<ArtifactRow[]>;
  artifact(buildId: string, name: string): Promise<ArtifactRow | undefined>;
  /** Forgets a build's files but keeps its history: a tombstone when deleted, pruned under retention. */
  dropArtifacts(buildId: string, mark: 'deleted' | 'pruned'): Promise<void>;
  runningRows(): Promise<BuildRow[]>;
  queueLength(): Promise<number>;
  countsByState(): Promise<{ state: string; n: number }[]>;
  stageDurations(): Promise<{ name: string; count: number; sumMs: number }[]>;
  /** Builds that still hold artifacts, newest first: `newest` (a build finishing now) leads, then by finish time. */
  buildsWithArtifacts(newest?: string): Promise<{ id: string; bytes: number }[]>;

  buildInputs(buildId: string): Promise<BuildInput[]>;
  updateCounts(buildId: string): Promise<UpdateCounts | null>;
  /** Keeps the newest updates check of a build. */
  saveBuildUpdates(updates: BuildUpdates): Promise<void>;
  storedBuildUpdates(buildId: string): Promise<BuildUpdates | null>;
  /** Succeeded, undeleted builds that recorded their inputs: what an updates check can look at. */
  checkableBuildIds(): Promise<string[]>;

  /** The channels pointing at a build: it cannot be deleted while there are any. */
  channelsOfBuild(buildId: string): Promise<{ image: string; channel: string }[]>;
  /** Every build some channel points at: retention keeps them. */
  buildsOnChannels(): Promise<Set<string>>;

  /** Records an executing process (or refreshes it when it registers again), its heartbeat now; a drain flag already set stays. */
  registerWorker(worker: WorkerRegistration): Promise<void>;
  /** Stamps the worker's heartbeat; false when it is not registered (removed meanwhile), so it registers again. */
  heartbeatWorker(id: string): Promise<boolean>;
  deregisterWorker(id: string): Promise<void>;
  /** Every registered worker, oldest first, with the running builds it owns. */
  listWorkers(): Promise<WorkerRecord[]>;
  /** Sets or clears a worker's drain flag; false when no such worker is registered. */
  setWorkerDraining(id: string, draining: boolean): Promise<boolean>;
  /** Whether the worker was asked to claim nothing new. */
  workerDraining(id: string): Promise<boolean>;

  /**
   * Calls `listener` with the seq range of events any process committed, as they commit.
   * SQLite has nothing to call it with (events of other processes on the file reach
   * readers by polling); Postgres delivers them with LISTEN/NOTIFY. Resolves with a stop.
   */
  watchEvents(listener: EventsCommitted): Promise<() => Promise<void>>;

  /** Resolves once the store can be used (Postgres: reached and migrated); rejects with why not. */
  ready(): Promise<void>;

  close(): Promise<void>;
}

export type EventsCommitted = (buildId: string, firstSeq: number, lastSeq: number) => void;
