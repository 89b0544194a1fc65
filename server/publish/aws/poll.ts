import { setTimeout as sleep } from 'node:timers/promises';
import { isTransientAwsError } from './aws-publish-error.ts';

export interface PollTiming {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive throttling/5xx/network errors tolerated before giving up. */
  maxTransientErrors: number;
}

export const defaultImportTiming: PollTiming = { intervalMs: 15_000, timeoutMs: 3 * 60 * 60 * 1000, maxTransientErrors: 8 };
export const defaultImageTiming: PollTiming = { intervalMs: 15_000, timeoutMs: 90 * 60 * 1000, maxTransientErrors: 8 };

/**
 * Calls `check` until it returns a value, sleeping between calls. Transient AWS errors
 * (throttling while many imports run, 5xx) are tried again with a growing pause; any
 * other error ends the wait. An abort ends the sleep at once.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  timing: PollTiming,
  signal: AbortSignal | undefined,
  describeTimeout: () => string,
): Promise<T> {
  const deadline = Date.now() + timing.timeoutMs;
  let transientErrors = 0;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const result = await check();
      transientErrors = 0;
      if (result !== undefined) return result;
    } catch (error) {
      if (!isTransientAwsError(error) || transientErrors >= timing.maxTransientErrors) throw error;
      transientErrors += 1;
    }
    if (Date.now() >= deadline) throw new Error(describeTimeout());
    const pause = timing.intervalMs * Math.min(2 ** transientErrors, 8);
    await sleep(pause, undefined, signal ? { signal } : undefined);
  }
}
