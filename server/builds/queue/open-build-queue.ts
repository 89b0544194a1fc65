import type { Store } from '../../store/store.ts';
import type { BuildQueue } from './build-queue.ts';
import { PgBossQueue } from './pg-boss-queue.ts';
import { RowQueue } from './row-queue.ts';

export interface BuildQueueConfig {
  databaseUrl?: string;
  workerHeartbeatSeconds?: number;
  buildTimeoutMs: number;
}

/**
 * A lease lapses after three missed heartbeats, as a worker turns stale in the registry,
 * and never in less than the 10 s the queue library accepts.
 */
export const leaseSecondsFor = (heartbeatSeconds: number) => Math.max(10, Math.ceil(3 * heartbeatSeconds));

/** SQLite: the store's rows. Postgres: pg-boss, with leases, so workers may sit on other machines. */
export function openBuildQueue(config: BuildQueueConfig, store: Store, warn: (message: string) => void): BuildQueue {
  if (!config.databaseUrl) return new RowQueue(store);
  return new PgBossQueue({
    databaseUrl: config.databaseUrl,
    store,
    leaseSeconds: leaseSecondsFor(config.workerHeartbeatSeconds ?? 10),
    buildTimeoutSeconds: Math.ceil(config.buildTimeoutMs / 1000),
    warn,
  });
}
