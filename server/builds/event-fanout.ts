import type { Store } from '../store/store.ts';
import type { EventHub } from './event-hub.ts';

/**
 * Brings events other processes commit (a worker, another API replica) into this
 * process's hub as soon as the store says they are there, so an SSE client of any
 * replica gets them without waiting for its poll. Only builds someone here follows are
 * read. Duplicates of what this process published itself are harmless: subscribers
 * keep to their own seq cursor. The streams' poll stays as the safety net.
 */
export async function fanOutCommittedEvents(store: Store, hub: EventHub, warn: (message: string) => void): Promise<() => Promise<void>> {
  // one read at a time, in the order of the notifications (commit order), so the hub publishes in order too
  let reading = Promise.resolve();
  return store.watchEvents((buildId, firstSeq, lastSeq) => {
    if (!hub.hasSubscribers(buildId)) return;
    reading = reading
      .then(() => store.eventsAfter(buildId, firstSeq - 1, lastSeq - firstSeq + 1))
      .then(
        (events) => hub.publish(buildId, events),
        (error: unknown) => warn(`reading events of build ${buildId} failed: ${error instanceof Error ? error.message : String(error)}`),
      );
  });
}
