import type { BuildEvent } from '../../../src/spec/build-events.ts';
import type { BuildRow } from '../../store/build-rows.ts';

/** A worker's hold on a claimed build: kept alive while the build runs, given back once its end is recorded. */
export interface BuildLease {
  /**
   * Calls `listener` once if the hold is lost (the queue may hand the build to another
   * worker): the build must stop at once and this worker must record nothing more of it.
   */
  onLost(listener: (reason: string) => void): void;
  /** The build's end is recorded; the queue forgets the claim. */
  release(): Promise<void>;
}

export interface ClaimedBuild {
  row: BuildRow;
  events: BuildEvent[];
  lease: BuildLease;
}

/**
 * Where executors take builds from. On SQLite the queued rows are the queue (one file,
 * one host: a dead owner is found by its pid). On Postgres a job queue library holds each
 * claim under a lease with heartbeats, so a worker on a lost machine is noticed too.
 */
export interface BuildQueue {
  /** Whether a dead owner's builds are found by pid (all claimers on one host) rather than by a lapsed lease. */
  readonly recoversByPid: boolean;
  start(): Promise<void>;
  /** Offers a queued build to the workers; `attempt` counts the times it was built after its worker died (1 = first). */
  enqueue(buildId: string, attempt?: number): Promise<void>;
  /** The next queued build for `owner`, claimed for it alone, or undefined when none waits. */
  claim(owner: string): Promise<ClaimedBuild | undefined>;
  stop(): Promise<void>;
}
