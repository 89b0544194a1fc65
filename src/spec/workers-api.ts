import { z } from 'zod';

/** Shapes of the workers API (`GET /api/workers`), shared by the server and the SPA. */

/**
 * active: heartbeating and claiming; draining: heartbeating, finishing what it runs, claiming
 * nothing new; stale: no heartbeat for several of its own intervals (crashed, stopped by
 * kill -9, or cut off from the database).
 */
export const workerStates = ['active', 'draining', 'stale'] as const;
export type WorkerState = (typeof workerStates)[number];

export const workerSchema = z.object({
  /** The owner id the worker's builds carry: host/pid/process start time. */
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  /** How many builds it runs at once (its concurrency). */
  capacity: z.number(),
  /** The builds it runs now: the running builds it owns. */
  running: z.array(z.string()),
  startedAt: z.string(),
  lastHeartbeatAt: z.string(),
  secondsSinceHeartbeat: z.number(),
  heartbeatSeconds: z.number(),
  draining: z.boolean(),
  state: z.enum(workerStates),
});
export type Worker = z.infer<typeof workerSchema>;

export const workerListSchema = z.object({ items: z.array(workerSchema) });
export type WorkerList = z.infer<typeof workerListSchema>;

/** A worker is stale once this many of its heartbeat intervals passed without one. */
export const STALE_AFTER_HEARTBEATS = 3;
