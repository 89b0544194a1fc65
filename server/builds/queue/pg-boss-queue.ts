import { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { Store } from '../../store/store.ts';
import type { BuildQueue, ClaimedBuild } from './build-queue.ts';
import { JobLease } from './job-lease.ts';

const BUILDS = 'stamper-builds';
/** Where the library moves a build job whose worker stopped sending heartbeats (its dead letter queue). */
const LOST = 'stamper-builds-lost';

const jobDataSchema = z.object({ buildId: z.string().min(1), attempt: z.number().int().min(1) });
const sourceOutputSchema = z.object({ value: z.object({ message: z.string() }) }).partial();

/** A build job whose lease lapsed: its worker died, lost the database, or hung. */
export interface LostBuild {
  buildId: string;
  attempt: number;
  /** What the queue said, e.g. "job heartbeat timeout". */
  reason: string;
}

export interface PgBossQueueOptions {
  databaseUrl: string;
  store: Store;
  /** A claim without a heartbeat for this long is taken back (the library requires at least 10). */
  leaseSeconds: number;
  /** A build's own time limit: the job may stay claimed a little longer than that, never forever. */
  buildTimeoutSeconds: number;
  /** How often the library's supervisor looks for lapsed leases (it runs in every process; one at a time acts). */
  superviseSeconds?: number;
  warn: (message: string) => void;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The build queue on Postgres, kept by pg-boss in its own schema (`stamper_queue`): every
 * queued build is a job; a worker fetches one (SKIP LOCKED inside the library), claims the
 * build row, and holds the job with heartbeats while it runs. A job whose heartbeats stop
 * (kill -9, a lost machine) is failed by the library's supervisor and moved, retries being
 * ours to decide, to a dead letter queue, whose handler (`onLost`) records the build
 * interrupted and retries it by policy. Nothing here depends on a pid or a host.
 */
export class PgBossQueue implements BuildQueue {
  readonly recoversByPid = false;
  private readonly boss: PgBoss;
  private lostHandler: ((lost: LostBuild) => Promise<void>) | undefined;
  private started: Promise<void> | undefined;

  constructor(private readonly options: PgBossQueueOptions) {
    const supervise = options.superviseSeconds ?? 2;
    this.boss = new PgBoss({
      connectionString: options.databaseUrl,
      schema: 'stamper_queue',
      superviseIntervalSeconds: supervise,
      monitorIntervalSeconds: supervise,
      application_name: 'stamper-queue',
      // fetch, renew and complete are short: a few connections serve any capacity (the default is 10)
      max: 4,
    });
    this.boss.on('error', (error: unknown) => options.warn(`build queue: ${errorText(error)}`));
  }

  /** Set before start(): what every process does with a build whose worker was lost. */
  handleLost(handler: (lost: LostBuild) => Promise<void>): void {
    this.lostHandler = handler;
  }

  start(): Promise<void> {
    this.started ??= this.open();
    return this.started;
  }

  private async open(): Promise<void> {
    const { leaseSeconds, buildTimeoutSeconds } = this.options;
    await this.boss.start();
    // createQueue leaves an existing queue as it is, so every process may ask at start
    await this.boss.createQueue(LOST, { retryLimit: 5, retryDelay: 2 });
    await this.boss.createQueue(BUILDS, {
      retryLimit: 0,
      heartbeatSeconds: leaseSeconds,
      expireInSeconds: buildTimeoutSeconds + 2 * leaseSeconds,
      deadLetter: LOST,
    });
    // an existing queue keeps its first options; a changed lease must reach it
    await this.boss.updateQueue(BUILDS, { heartbeatSeconds: leaseSeconds, expireInSeconds: buildTimeoutSeconds + 2 * leaseSeconds });
    const handler = this.lostHandler;
    if (handler) {
      await this.boss.work(LOST, { pollingIntervalSeconds: 1, batchSize: 1, includeMetadata: true }, async (jobs) => {
        for (const job of jobs) {
          const data = jobDataSchema.parse(job.data);
          const output = sourceOutputSchema.safeParse(job.sourceOutput);
          await handler({ ...data, reason: (output.success && output.data.value?.message) || 'its lease lapsed' });
        }
      });
    }
  }

  async enqueue(buildId: string, attempt = 1): Promise<void> {
    await this.start();
    const id = await this.boss.send(BUILDS, { buildId, attempt } satisfies z.infer<typeof jobDataSchema>);
    if (id === null) throw new Error(`the build queue did not take build ${buildId}`);
  }

  async claim(owner: string): Promise<ClaimedBuild | undefined> {
    await this.start();
    for (;;) {
      const [job] = await this.boss.fetch<unknown>(BUILDS, { batchSize: 1 });
      if (!job) return undefined;
      const attempt = { id: job.id, retryCount: job.retryCount };
      const data = jobDataSchema.safeParse(job.data);
      if (!data.success) {
        await this.boss.complete(BUILDS, attempt);
        continue;
      }
      const { buildId } = data.data;
      const claimed = await this.options.store.claimNextQueued(owner, buildId);
      if (!claimed) {
        // Canceled or deleted while it waited: done with. Still queued: this worker was drained
        // meanwhile, and the build goes back to the queue as a new job before this one is done
        // with, so a crash in between leaves at worst a second job, which the build's claim turns
        // away, never a build no job points to.
        const row = await this.options.store.getRow(buildId);
        const drainedMeanwhile = row?.state === 'queued' && row.deleted === 0;
        if (drainedMeanwhile) await this.enqueue(buildId, data.data.attempt);
        await this.boss.complete(BUILDS, attempt);
        if (drainedMeanwhile) return undefined;
        continue;
      }
      const lease = new JobLease({
        touch: () => this.boss.touch(BUILDS, attempt),
        complete: () => this.boss.complete(BUILDS, attempt),
        leaseSeconds: this.options.leaseSeconds,
        warn: this.options.warn,
      });
      return { ...claimed, lease };
    }
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    await this.boss.stop({ graceful: true, timeout: 5000 });
  }
}
