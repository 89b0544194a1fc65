import { z } from 'zod';
import type { BuildLease } from './build-queue.ts';

/** What the queue library answers for a fenced touch or complete: how many attempts it still matched. */
const commandResponseSchema = z.object({ affected: z.number() });

export interface JobLeaseOptions {
  /** Renews the claim of exactly the attempt this worker holds; resolves with the attempts still matched. */
  touch: () => Promise<unknown>;
  complete: () => Promise<unknown>;
  /** The queue fails a claim whose heartbeat is older than this (the library's heartbeatSeconds). */
  leaseSeconds: number;
  warn: (message: string) => void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Keeps one claimed job alive with heartbeats, and fences this worker off before the
 * queue could hand the job to another: if no heartbeat got through for half the lease,
 * the build is stopped here while the queue still counts it as ours. Never run twice at
 * once rests on that margin (the queue's supervisor acts only after the whole lease).
 */
export class JobLease implements BuildLease {
  private readonly timer: NodeJS.Timeout;
  private lastRenewed = Date.now();
  private renewing: Promise<void> | undefined;
  private lostReason: string | undefined;
  private listeners: ((reason: string) => void)[] = [];
  private released = false;

  constructor(private readonly options: JobLeaseOptions) {
    // eight checks per lease: the fence fires between 1/2 and 5/8 of it
    this.timer = setInterval(() => this.tick(), (options.leaseSeconds * 1000) / 8);
    this.timer.unref();
  }

  onLost(listener: (reason: string) => void): void {
    if (this.lostReason !== undefined) listener(this.lostReason);
    else this.listeners.push(listener);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    // not waiting for a renewal in flight: it may hang, and one landing after the complete matches nothing
    if (this.lostReason !== undefined) return;
    try {
      const { affected } = commandResponseSchema.parse(await this.options.complete());
      if (affected === 0) this.options.warn('the queue no longer held this build when it ended (its lease had lapsed)');
    } catch (error) {
      // the build's end is recorded already; an unconfirmed job lapses and its handler finds the build finished
      this.options.warn(`could not tell the queue a build ended: ${errorText(error)}`);
    }
  }

  private tick(): void {
    if (this.released || this.lostReason !== undefined) return;
    const silentMs = Date.now() - this.lastRenewed;
    if (silentMs > (this.options.leaseSeconds * 1000) / 2) {
      this.lose(`its queue lease could not be renewed for ${Math.round(silentMs / 1000)} s, so it was stopped before another worker may take it`);
      return;
    }
    // one renewal at a time: a hanging one is what the check above is for
    this.renewing ??= this.renew().finally(() => {
      this.renewing = undefined;
    });
  }

  private async renew(): Promise<void> {
    try {
      const { affected } = commandResponseSchema.parse(await this.options.touch());
      if (affected === 0) this.lose('the queue no longer holds it for this worker (its lease lapsed)');
      else this.lastRenewed = Date.now();
    } catch (error) {
      this.options.warn(`could not renew a build's queue lease: ${errorText(error)}`);
    }
  }

  private lose(reason: string): void {
    if (this.lostReason !== undefined || this.released) return;
    this.lostReason = reason;
    clearInterval(this.timer);
    for (const listener of this.listeners) listener(reason);
    this.listeners = [];
  }
}
