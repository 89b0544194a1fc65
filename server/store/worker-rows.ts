import type { SqliteDatabase } from './open-database.ts';

/** What an executing process says about itself when it registers. */
export interface WorkerRegistration {
  id: string;
  host: string;
  pid: number;
  capacity: number;
  heartbeatSeconds: number;
}

/** A registered worker as stored, with the running builds it owns. */
export interface WorkerRecord extends WorkerRegistration {
  startedAt: string;
  heartbeatAt: string;
  /** Measured by the database's clock, as the heartbeat was stamped: workers' host clocks may disagree. */
  secondsSinceHeartbeat: number;
  draining: boolean;
  running: string[];
}

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  capacity: number;
  heartbeat_seconds: number;
  started_at: string;
  heartbeat_at: string;
  draining: number;
  heartbeat_age: number;
}

export function toWorkerRecord(row: WorkerRow, running: string[]): WorkerRecord {
  return {
    id: row.id,
    host: row.host,
    pid: row.pid,
    capacity: row.capacity,
    heartbeatSeconds: row.heartbeat_seconds,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
    secondsSinceHeartbeat: Math.max(0, row.heartbeat_age),
    draining: row.draining === 1,
    running,
  };
}

/** Groups running build ids by owner, for the workers they belong to. */
export function runningByOwner(rows: { owner: string; id: string }[]): Map<string, string[]> {
  const byOwner = new Map<string, string[]>();
  for (const row of rows) byOwner.set(row.owner, [...(byOwner.get(row.owner) ?? []), row.id]);
  return byOwner;
}

/** ISO-8601 with milliseconds, like every timestamp the stores keep, from the database's clock. */
const SQLITE_NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

/**
 * The worker registry on SQLite: one row per executing process (serve with builds, every
 * `stamper worker`), kept fresh by its heartbeat and removed on clean shutdown. The drain
 * flag lives here, so an admin's drain reaches the worker through the database it already reads.
 */
export class WorkerRows {
  constructor(private readonly db: SqliteDatabase) {}

  /** Inserts the worker, or refreshes it when it registers again; a drain set meanwhile stays. */
  register(worker: WorkerRegistration): void {
    this.db
      .prepare(
        `INSERT INTO workers (id, host, pid, capacity, heartbeat_seconds, started_at, heartbeat_at, draining)
         VALUES (?, ?, ?, ?, ?, ${SQLITE_NOW}, ${SQLITE_NOW}, 0)
         ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, capacity = excluded.capacity,
           heartbeat_seconds = excluded.heartbeat_seconds, heartbeat_at = excluded.heartbeat_at`,
      )
      .run(worker.id, worker.host, worker.pid, worker.capacity, worker.heartbeatSeconds);
  }

  heartbeat(id: string): boolean {
    return this.db.prepare(`UPDATE workers SET heartbeat_at = ${SQLITE_NOW} WHERE id = ?`).run(id).changes === 1;
  }

  deregister(id: string): void {
    this.db.prepare('DELETE FROM workers WHERE id = ?').run(id);
  }

  list(): WorkerRecord[] {
    const rows = this.db
      .prepare(`SELECT *, (julianday('now') - julianday(heartbeat_at)) * 86400.0 AS heartbeat_age FROM workers ORDER BY started_at, id`)
      .all() as WorkerRow[];
    const running = runningByOwner(
      this.db.prepare(`SELECT owner, id FROM builds WHERE state = 'running' AND owner IS NOT NULL ORDER BY created_at, rowid`).all() as {
        owner: string;
        id: string;
      }[],
    );
    return rows.map((row) => toWorkerRecord(row, running.get(row.id) ?? []));
  }

  setDraining(id: string, draining: boolean): boolean {
    return this.db.prepare('UPDATE workers SET draining = ? WHERE id = ?').run(draining ? 1 : 0, id).changes === 1;
  }

  isDraining(id: string): boolean {
    const row = this.db.prepare('SELECT draining FROM workers WHERE id = ?').get(id) as { draining: number } | undefined;
    return row?.draining === 1;
  }
}
