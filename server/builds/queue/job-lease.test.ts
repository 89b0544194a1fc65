import { describe, expect, it } from 'vitest';
import { JobLease } from './job-lease.ts';

/**
 * The fence itself, with the queue's answers scripted: the real library's answers (a
 * lapsed attempt matches nothing) are in pg-boss-queue.test.ts and the replica tests.
 */
const lostWithin = (lease: JobLease, ms: number) =>
  new Promise<string | undefined>((resolve) => {
    lease.onLost(resolve);
    setTimeout(() => resolve(undefined), ms);
  });

describe('a build job lease', () => {
  it('stays held while renewals get through, and completes once on release', async () => {
    let touches = 0;
    let completes = 0;
    const lease = new JobLease({
      touch: async () => ({ affected: (touches += 1) }),
      complete: async () => ({ affected: (completes += 1) }),
      leaseSeconds: 0.4,
      warn: () => undefined,
    });
    expect(await lostWithin(lease, 1200)).toBeUndefined();
    expect(touches).toBeGreaterThan(3);
    await lease.release();
    await lease.release();
    expect(completes).toBe(1);
  });

  it('is lost when the queue no longer holds the attempt, and then completes nothing', async () => {
    let completes = 0;
    const lease = new JobLease({
      touch: async () => ({ affected: 0 }),
      complete: async () => ({ affected: (completes += 1) }),
      leaseSeconds: 0.4,
      warn: () => undefined,
    });
    expect(await lostWithin(lease, 1500)).toMatch(/lease lapsed/);
    await lease.release();
    expect(completes).toBe(0);
  });

  it('fences itself off when renewals hang or fail for half the lease', async () => {
    for (const touch of [() => new Promise<never>(() => undefined), async () => Promise.reject(new Error('connection refused'))]) {
      const warnings: string[] = [];
      const lease = new JobLease({ touch, complete: async () => ({ affected: 1 }), leaseSeconds: 0.8, warn: (m) => warnings.push(m) });
      const started = Date.now();
      const reason = await lostWithin(lease, 3000);
      expect(reason).toMatch(/could not be renewed for \d+ s, so it was stopped before another worker may take it/);
      // before the whole lease ran out: the queue could not have given the build away yet
      expect(Date.now() - started).toBeLessThan(800);
      await lease.release();
    }
  });
});
