import type { BuildEvent } from '../../src/spec/build-events.ts';

type Listener = (events: BuildEvent[]) => void;

/**
 * In-process fan-out of events that are already in the database. Subscribers use it
 * only as a fast path: they check sequence numbers and read the database for anything
 * they missed, so the hub can never cause a gap or a duplicate.
 */
export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  subscribe(buildId: string, listener: Listener): () => void {
    let set = this.listeners.get(buildId);
    if (!set) {
      set = new Set();
      this.listeners.set(buildId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(buildId) === set) this.listeners.delete(buildId);
    };
  }

  hasSubscribers(buildId: string): boolean {
    return this.listeners.has(buildId);
  }

  publish(buildId: string, events: BuildEvent[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners.get(buildId) ?? []) listener(events);
  }
}
