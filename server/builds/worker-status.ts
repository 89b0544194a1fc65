import { STALE_AFTER_HEARTBEATS, type Worker } from '../../src/spec/workers-api.ts';
import type { WorkerRecord } from '../store/store.ts';

/**
 * A registered worker as the API shows it. Stale is judged on the worker's own heartbeat
 * interval (workers may be configured differently) and the age the database measured, and
 * wins over draining: a worker that stopped answering finishes nothing.
 */
export function workerStatus(record: WorkerRecord): Worker {
  const { secondsSinceHeartbeat } = record;
  const stale = secondsSinceHeartbeat > STALE_AFTER_HEARTBEATS * record.heartbeatSeconds;
  return {
    id: record.id,
    host: record.host,
    pid: record.pid,
    capacity: record.capacity,
    running: record.running,
    startedAt: record.startedAt,
    lastHeartbeatAt: record.heartbeatAt,
    secondsSinceHeartbeat,
    heartbeatSeconds: record.heartbeatSeconds,
    draining: record.draining,
    state: stale ? 'stale' : record.draining ? 'draining' : 'active',
  };
}
