import { hostname } from 'node:os';
import type { Store } from '../store/store.ts';

export interface WorkerPresenceOptions {
  store: Store;
  /** The executor's owner id, so the builds it owns are the worker's running builds. */
  id: string;
  capacity: number;
  heartbeatMs: number;
  warn: (message: string) => void;
}

/**
 * An executing process's entry in the worker registry: registered at start, a heartbeat
 * every interval (registering again if the row went away), removed on clean shutdown. A
 * worker that dies keeps its row, and its aging heartbeat is what shows it stale.
 */
export class WorkerPresence {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;

  constructor(private readonly options: WorkerPresenceOptions) {}

  async start(): Promise<void> {
    // a database hiccup at start must not keep builds from running; the next heartbeat registers
    await this.register().catch((error: unknown) =>
      this.options.warn(`could not register this worker: ${error instanceof Error ? error.message : String(error)}`),
    );
    // unref'd: the executor's own poll keeps a worker alive; a heartbeat alone must not
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.options.store.deregisterWorker(this.options.id);
  }

  private register(): Promise<void> {
    const { store, id, capacity, heartbeatMs } = this.options;
    return store.registerWorker({ id, host: hostname(), pid: process.pid, capacity, heartbeatSeconds: heartbeatMs / 1000 });
  }

  private beat(): void {
    // one heartbeat at a time: a slow database must not pile them up
    this.beating ??= this.options.store
      .heartbeatWorker(this.options.id)
      .then(async (known) => {
        if (!known && this.timer) await this.register();
      })
      .catch((error: unknown) => this.options.warn(`worker heartbeat failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.beating = undefined;
      });
  }
}
