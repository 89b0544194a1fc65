import type { Store } from '../../store/store.ts';
import type { EventHub } from '../event-hub.ts';
import type { LostBuild } from './pg-boss-queue.ts';

export interface LostBuildsOptions {
  store: Store;
  hub: EventHub;
  /** Builds again after a lost worker this many more times (STAMPER_BUILD_RETRIES). */
  retries: number;
  /** This process's owner id: the one that records the interruption. */
  recoverer: string;
  /** Submits a retry of an interrupted build as its `attempt`th attempt; answers the build that will run it. */
  retry: (buildId: string, attempt: number) => Promise<string>;
  /** Offers a build that was never started to the workers again. */
  enqueue: (buildId: string, attempt: number) => Promise<void>;
  warn: (message: string) => void;
}

/**
 * What happens to a build whose worker stopped renewing its lease: recorded interrupted
 * with the worker and the reason, then (while the retry policy allows) built again as a
 * new build, a retry of this one, that any other worker may take. The lapsed worker
 * fenced itself off before its lease ran out (job-lease.ts), so the two never overlap.
 */
export function handleLostBuilds(options: LostBuildsOptions): (lost: LostBuild) => Promise<void> {
  return async ({ buildId, attempt, reason }) => {
    const { store, hub } = options;
    const row = await store.getRow(buildId);
    if (!row) return;
    if (row.state === 'queued') {
      // the worker died between taking the job and claiming the build: it never started
      await options.enqueue(buildId, attempt);
      return;
    }
    // finished meanwhile (its end was recorded, only the queue was not told), or handled by another process
    if (row.state !== 'running' || !(await store.claimForRecovery(row.id, row.owner, options.recoverer))) return;
    const worker = row.owner ?? 'an unknown worker';
    const lapse = `its worker ${worker} stopped renewing the build's queue lease (${reason}): the worker died, lost the database or hung`;
    const retrying = attempt <= options.retries;
    const policy = retrying
      ? `; built again on another worker as attempt ${attempt + 1} of ${options.retries + 1} (STAMPER_BUILD_RETRIES=${options.retries})`
      : `; not built again: ${options.retries === 0 ? 'STAMPER_BUILD_RETRIES=0' : `attempt ${attempt} of ${options.retries + 1} was the last`}`;
    hub.publish(row.id, await store.finish(row.id, 'interrupted', { reason: `${lapse}${policy}` }));
    if (!retrying) return;
    try {
      await options.retry(row.id, attempt + 1);
    } catch (error) {
      options.warn(`build ${row.id}: could not build it again after its worker was lost: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
