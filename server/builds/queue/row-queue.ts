import type { Store } from '../../store/store.ts';
import type { BuildLease, BuildQueue, ClaimedBuild } from './build-queue.ts';

/** Nothing to renew: a build's claim is its row, and a dead owner is found by its pid. */
const rowLease: BuildLease = {
  onLost: () => undefined,
  release: async () => undefined,
};

/** The embedded default: the store's queued rows, claimed atomically (server/store), are the queue. */
export class RowQueue implements BuildQueue {
  readonly recoversByPid = true;

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {}

  async enqueue(): Promise<void> {}

  async claim(owner: string): Promise<ClaimedBuild | undefined> {
    const claimed = await this.store.claimNextQueued(owner);
    return claimed && { ...claimed, lease: rowLease };
  }

  async stop(): Promise<void> {}
}
