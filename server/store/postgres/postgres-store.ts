import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BuildList, UpdateCounts } from '../../../src/spec/build-api.ts';
import type { BuildEvent, BuildEventBody, BuildState, PublishedImage } from '../../../src/spec/build-events.ts';
import type { BuildInput } from '../../../src/spec/build-inputs.ts';
import type { BuildUpdates } from '../../../src/spec/updates-api.ts';
import { type ArtifactRow, type BuildRow, type StageRow, toStageRecord, toSummary } from '../build-rows.ts';
import { inputsKey } from '../lineage-rows.ts';
import type { BuildFilters, EventsCommitted, FinishDetails, NewBuild, RecordedArtifact, Store, StoredBuild } from '../store.ts';
import { runningByOwner, toWorkerRecord, type WorkerRecord, type WorkerRegistration, type WorkerRow } from '../worker-rows.ts';
import { projectEvent } from './event-projection.ts';
import { migrate } from './migrate.ts';

const BUILD_COLUMNS = `id, build_key, name, state, kubernetes_version, release, formats, spec_json, spec_yaml, created_at, started_at, finished_at,
  error, failed_stage, deleted, pruned, cancel_requested, owner, pid, pgid, last_seq, retry_of, supersedes`;
// BIGINT comes back from pg as a string; artifact sizes are the only BIGINT a caller reads
const ARTIFACT_COLUMNS = 'build_id, name, format, size_bytes::float8 AS size_bytes, sha256, path';

const now = () => new Date().toISOString();
/** The database's clock in the ISO-8601 form every stored timestamp has. */
const POSTGRES_NOW = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The NOTIFY channel of committed events; the payload is "<build id> <first seq> <last seq>". */
const EVENTS_CHANNEL = 'stamper_events';

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * The scale-out store: every API process and worker connects to one Postgres. The rules
 * SQLite gets from its single writer are made explicit here: appending events locks the
 * build's row (SELECT … FOR UPDATE), so sequence numbers are gap-free with any number of
 * writers; creating a build takes a transaction-scoped advisory lock on its build key, so
 * concurrent identical submissions from any process end up with one build; claiming takes
 * the oldest queued row with FOR UPDATE SKIP LOCKED, so each build goes to one claimer.
 */
export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  private readonly migrated: Promise<void>;

  constructor(
    private readonly url: string,
    options: { max?: number } = {},
  ) {
    // a database that does not answer fails a request in seconds instead of holding it (and shutdown) forever
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 10_000 });
    // A connection the server drops (restart, failover) must not end the process; the next query reconnects.
    this.pool.on('error', () => undefined);
    this.migrated = migrate(this.pool);
    // awaited by every query; this only keeps a failed start-up from being an unhandled rejection before the first one
    this.migrated.catch(() => undefined);
  }

  /** Opens and migrates; rejects when the database cannot be reached or migrated. */
  static async open(url: string, options: { max?: number } = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, options);
    await store.ready();
    return store;
  }

  async ready(): Promise<void> {
    await this.migrated;
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.migrated;
    return (await this.pool.query<R>(sql, params)).rows;
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.migrated;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async createOrReuse(input: NewBuild, force: boolean): Promise<{ row: BuildRow; reused: boolean; events: BuildEvent[] }> {
    return this.transaction(async (client) => {
      // One creator per build key at a time, across every process; released at commit.
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`stamper-build-key:${input.buildKey}`]);
      const existing = force ? undefined : await findReusable(client, input.buildKey);
      if (existing) return { row: existing, reused: true, events: [] };
      const id = randomUUID();
      const spec = input.spec.spec;
      await client.query(
        `INSERT INTO builds (id, build_key, name, state, kubernetes_version, release, formats, spec_json, spec_yaml, created_at, retry_of, supersedes)
         VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          input.buildKey,
          input.spec.metadata.name,
          spec.kubernetes.version,
          spec.os.release,
          JSON.stringify(spec.outputs.map((o) => o.format)),
          JSON.stringify(input.spec),
          input.specYaml,
          now(),
          input.retryOf ?? null,
          input.supersedes ?? null,
        ],
      );
      for (const [position, name] of input.stages.entries()) {
        await client.query(`INSERT INTO stages (build_id, position, name, status) VALUES ($1, $2, $3, 'pending')`, [id, position, name]);
      }
      const events = await appendInTransaction(client, id, [{ type: 'state', state: 'queued' }]);
      return { row: await requireRow(client, id), reused: false, events };
    });
  }

  async findReusable(buildKey: string): Promise<BuildRow | undefined> {
    await this.migrated;
    return findReusable(this.pool, buildKey);
  }

  async getRow(id: string): Promise<BuildRow | undefined> {
    return (await this.query<BuildRow>(`SELECT ${BUILD_COLUMNS} FROM builds WHERE id = $1`, [id]))[0];
  }

  private async queuePosition(row: BuildRow): Promise<number | null> {
    if (row.state !== 'queued') return null;
    const [ahead] = await this.query<{ n: number }>(
      `SELECT COUNT(*)::int AS n FROM builds WHERE state = 'queued' AND deleted = 0
         AND (created_at, ordinal) < (SELECT created_at, ordinal FROM builds WHERE id = $1)`,
      [row.id],
    );
    return (ahead?.n ?? 0) + 1;
  }

  private async summary(row: BuildRow) {
    return { ...toSummary(row, await this.queuePosition(row)), updates: await this.updateCounts(row.id) };
  }

  async detail(id: string): Promise<StoredBuild | undefined> {
    const row = await this.getRow(id);
    if (!row) return undefined;
    const stages = await this.query<StageRow>('SELECT * FROM stages WHERE build_id = $1 ORDER BY position', [id]);
    const checks = await this.query<{ name: string; ok: number; detail: string }>(
      'SELECT name, ok, detail FROM verify_checks WHERE build_id = $1 ORDER BY position',
      [id],
    );
    const published = await this.query<{ body: string }>('SELECT body FROM published_images WHERE build_id = $1 ORDER BY position', [id]);
    const [testImage] = await this.query<{ reason: string }>(
      `SELECT body::jsonb ->> 'reason' AS reason FROM events WHERE build_id = $1 AND body::jsonb ->> 'type' = 'testImage' ORDER BY seq LIMIT 1`,
      [id],
    );
    const inputs = await this.buildInputs(id);
    const [next] = await this.query<{ id: string }>('SELECT id FROM builds WHERE supersedes = $1 ORDER BY created_at DESC, ordinal DESC LIMIT 1', [id]);
    return {
      ...(await this.summary(row)),
      spec: JSON.parse(row.spec_json) as Record<string, unknown>,
      specYaml: row.spec_yaml,
      stages: stages.map(toStageRecord),
      verify: checks.map((c) => ({ name: c.name, ok: c.ok === 1, detail: c.detail })),
      artifacts: (await this.artifacts(id)).map((a) => ({ name: a.name, format: a.format, sizeBytes: a.size_bytes, sha256: a.sha256 })),
      published: published.map((p) => JSON.parse(p.body) as PublishedImage),
      testImage: testImage ? { reason: testImage.reason } : null,
      lastEventSeq: row.last_seq,
      worker: row.owner,
      retryOf: row.retry_of,
      inputs,
      inputsKey: inputsKey(row.build_key, inputs),
      supersedes: row.supersedes,
      supersededBy: next?.id ?? null,
    };
  }

  async list(filters: BuildFilters): Promise<BuildList> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const param = (value: string | number) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filters.state?.length) where.push(`state IN (${filters.state.map((state) => param(state)).join(', ')})`);
    if (filters.name) where.push(`name LIKE ${param(`%${filters.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)} ESCAPE '\\'`);
    if (filters.kubernetesVersion) {
      // "1.35" matches every 1.35.x; "1.35.3" only itself.
      where.push(
        `(kubernetes_version = ${param(filters.kubernetesVersion)} OR kubernetes_version LIKE ${param(`${filters.kubernetesVersion.replace(/[\\%_]/g, '')}.%`)})`,
      );
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = filters.sort === 'oldest' ? 'ASC' : 'DESC';
    const [count] = await this.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM builds ${clause}`, params);
    const rows = await this.query<BuildRow>(
      `SELECT ${BUILD_COLUMNS} FROM builds ${clause} ORDER BY created_at ${order}, ordinal ${order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filters.pageSize, (filters.page - 1) * filters.pageSize],
    );
    const items = [];
    for (const row of rows) items.push(await this.summary(row));
    return { items, total: count?.n ?? 0, page: filters.page, pageSize: filters.pageSize };
  }

  async appendEvents(buildId: string, bodies: BuildEventBody[]): Promise<BuildEvent[]> {
    if (bodies.length === 0) return [];
    return this.transaction((client) => appendInTransaction(client, buildId, bodies));
  }

  async eventsAfter(buildId: string, after: number, limit = 1000): Promise<BuildEvent[]> {
    const rows = await this.query<{ seq: number; time: string; body: string }>(
      'SELECT seq, time, body FROM events WHERE build_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [buildId, after, limit],
    );
    return rows.map(toEvent);
  }

  async claimNextQueued(owner: string, buildId?: string): Promise<{ row: BuildRow; events: BuildEvent[] } | undefined> {
    return this.transaction(async (client) => {
      // A drained worker claims nothing. FOR SHARE makes a drain wait for a claim under way, so
      // once the drain has answered no claim of this worker can still land.
      const { rows: worker } = await client.query<{ draining: number }>('SELECT draining FROM workers WHERE id = $1 FOR SHARE', [owner]);
      if (worker[0]?.draining === 1) return undefined;
      // SKIP LOCKED: a build another claimer (or a cancel) holds is passed over, never waited for and taken twice.
      const { rows } =
        buildId === undefined
          ? await client.query<{ id: string }>(
              `SELECT id FROM builds WHERE state = 'queued' AND deleted = 0 ORDER BY created_at, ordinal LIMIT 1 FOR UPDATE SKIP LOCKED`,
            )
          : await client.query<{ id: string }>(`SELECT id FROM builds WHERE state = 'queued' AND deleted = 0 AND id = $1 FOR UPDATE`, [buildId]);
      const next = rows[0];
      if (!next) return undefined;
      await client.query('UPDATE builds SET owner = $1, pid = NULL, pgid = NULL WHERE id = $2', [owner, next.id]);
      const events = await appendInTransaction(client, next.id, [{ type: 'state', state: 'running' }]);
      return { row: await requireRow(client, next.id), events };
    });
  }

  async claimForRecovery(buildId: string, deadOwner: string | null, recoverer: string | null): Promise<boolean> {
    await this.migrated;
    const result = await this.pool.query(`UPDATE builds SET owner = $1 WHERE id = $2 AND state = 'running' AND owner IS NOT DISTINCT FROM $3`, [
      recoverer,
      buildId,
      deadOwner,
    ]);
    return result.rowCount === 1;
  }

  async recordProcess(buildId: string, pid: number): Promise<void> {
    // The build process leads its own group, so its pid is the group id to signal.
    await this.query('UPDATE builds SET pid = $1, pgid = $1 WHERE id = $2', [pid, buildId]);
  }

  async finish(buildId: string, state: BuildState, details: FinishDetails = {}): Promise<BuildEvent[]> {
    return this.transaction(async (client) => {
      // An interrupted build has no error of its own; its reason is what a reader of the record needs.
      const error = details.error ?? (state === 'interrupted' ? details.reason : undefined);
      await client.query('UPDATE builds SET error = $1, failed_stage = $2, pid = NULL, pgid = NULL WHERE id = $3', [
        error ?? null,
        details.failedStage ?? null,
        buildId,
      ]);
      const reason = details.reason ?? details.error;
      return appendInTransaction(client, buildId, [{ type: 'state', state, ...(reason ? { reason } : {}) }]);
    });
  }

  async cancelIfQueued(buildId: string): Promise<BuildEvent[] | undefined> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ state: string }>('SELECT state FROM builds WHERE id = $1 FOR UPDATE', [buildId]);
      if (rows[0]?.state !== 'queued') return undefined;
      return appendInTransaction(client, buildId, [{ type: 'state', state: 'canceled', reason: 'canceled before it started' }]);
    });
  }

  async requestCancel(buildId: string): Promise<void> {
    await this.query('UPDATE builds SET cancel_requested = 1 WHERE id = $1', [buildId]);
  }

  async recordArtifactPaths(buildId: string, artifacts: RecordedArtifact[]): Promise<void> {
    await this.transaction(async (client) => {
      for (const a of artifacts) {
        await client.query(
          `INSERT INTO artifacts (build_id, name, format, size_bytes, sha256, path) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (build_id, name) DO UPDATE SET format = excluded.format, size_bytes = excluded.size_bytes, sha256 = excluded.sha256, path = excluded.path`,
          [buildId, a.name, a.format, a.sizeBytes, a.sha256, a.path],
        );
      }
    });
  }

  async artifacts(buildId: string): Promise<ArtifactRow[]> {
    return this.query<ArtifactRow>(`SELECT ${ARTIFACT_COLUMNS} FROM artifacts WHERE build_id = $1 AND path IS NOT NULL ORDER BY name`, [buildId]);
  }

  async artifact(buildId: string, name: string): Promise<ArtifactRow | undefined> {
    return (
      await this.query<ArtifactRow>(`SELECT ${ARTIFACT_COLUMNS} FROM artifacts WHERE build_id = $1 AND name = $2 AND path IS NOT NULL`, [buildId, name])
    )[0];
  }

  async dropArtifacts(buildId: string, mark: 'deleted' | 'pruned'): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('DELETE FROM artifacts WHERE build_id = $1', [buildId]);
      await client.query(`UPDATE builds SET ${mark === 'deleted' ? 'deleted' : 'pruned'} = 1 WHERE id = $1`, [buildId]);
    });
  }

  async runningRows(): Promise<BuildRow[]> {
    return this.query<BuildRow>(`SELECT ${BUILD_COLUMNS} FROM builds WHERE state = 'running'`);
  }

  async queueLength(): Promise<number> {
    return (await this.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM builds WHERE state = 'queued' AND deleted = 0`))[0]?.n ?? 0;
  }

  async countsByState(): Promise<{ state: string; n: number }[]> {
    return this.query<{ state: string; n: number }>('SELECT state, COUNT(*)::int AS n FROM builds GROUP BY state');
  }

  async stageDurations(): Promise<{ name: string; count: number; sumMs: number }[]> {
    return this.query<{ name: string; count: number; sumMs: number }>(
      `SELECT name, COUNT(*)::int AS count, COALESCE(SUM(duration_ms), 0)::float8 AS "sumMs" FROM stages
       WHERE status = 'succeeded' AND duration_ms IS NOT NULL GROUP BY name`,
    );
  }

  async buildsWithArtifacts(newest?: string): Promise<{ id: string; bytes: number }[]> {
    return this.query<{ id: string; bytes: number }>(
      `SELECT b.id AS id, COALESCE(SUM(a.size_bytes), 0)::float8 AS bytes FROM builds b JOIN artifacts a ON a.build_id = b.id
       WHERE b.deleted = 0 AND b.pruned = 0 AND a.path IS NOT NULL
         AND (b.state IN ('succeeded', 'failed', 'canceled', 'interrupted') OR b.id = $1)
       GROUP BY b.id, b.finished_at, b.ordinal ORDER BY (b.id = $1) IS TRUE DESC, b.finished_at DESC NULLS LAST, b.ordinal DESC`,
      [newest ?? null],
    );
  }

  async buildInputs(buildId: string): Promise<BuildInput[]> {
    const rows = await this.query<{ body: string }>('SELECT body FROM build_inputs WHERE build_id = $1 ORDER BY position', [buildId]);
    return rows.map((row) => JSON.parse(row.body) as BuildInput);
  }

  async updateCounts(buildId: string): Promise<UpdateCounts | null> {
    const [row] = await this.query<{ update_count: number; security_count: number; checked_at: string }>(
      'SELECT update_count, security_count, checked_at FROM build_updates WHERE build_id = $1',
      [buildId],
    );
    return row ? { count: row.update_count, security: row.security_count, checkedAt: row.checked_at } : null;
  }

  async saveBuildUpdates(updates: BuildUpdates): Promise<void> {
    await this.query(
      `INSERT INTO build_updates (build_id, checked_at, update_count, security_count, body) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (build_id) DO UPDATE SET checked_at = excluded.checked_at, update_count = excluded.update_count,
         security_count = excluded.security_count, body = excluded.body`,
      [updates.buildId, updates.checkedAt, updates.count, updates.security, JSON.stringify(updates)],
    );
  }

  async storedBuildUpdates(buildId: string): Promise<BuildUpdates | null> {
    const [row] = await this.query<{ body: string }>('SELECT body FROM build_updates WHERE build_id = $1', [buildId]);
    return row ? (JSON.parse(row.body) as BuildUpdates) : null;
  }

  async checkableBuildIds(): Promise<string[]> {
    const rows = await this.query<{ id: string }>(
      `SELECT b.id FROM builds b WHERE b.state = 'succeeded' AND b.deleted = 0 AND EXISTS (SELECT 1 FROM build_inputs i WHERE i.build_id = b.id) ORDER BY b.ordinal`,
    );
    return rows.map((row) => row.id);
  }

  async channelsOfBuild(buildId: string): Promise<{ image: string; channel: string }[]> {
    return this.query<{ image: string; channel: string }>('SELECT image, channel FROM channels WHERE build_id = $1 ORDER BY image, channel', [buildId]);
  }

  async buildsOnChannels(): Promise<Set<string>> {
    const rows = await this.query<{ build_id: string }>('SELECT DISTINCT build_id FROM channels');
    return new Set(rows.map((row) => row.build_id));
  }

  // Heartbeats are stamped and aged by the database's clock: the workers' host clocks need not agree.
  // One clock reading for both stamps: clock_timestamp() read twice can differ by a millisecond.
  async registerWorker(worker: WorkerRegistration): Promise<void> {
    await this.query(
      `INSERT INTO workers (id, host, pid, capacity, heartbeat_seconds, started_at, heartbeat_at, draining)
       SELECT $1, $2, $3::int, $4::int, $5::double precision, stamp.now, stamp.now, 0 FROM (SELECT ${POSTGRES_NOW} AS now) AS stamp
       ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, capacity = excluded.capacity,
         heartbeat_seconds = excluded.heartbeat_seconds, heartbeat_at = excluded.heartbeat_at`,
      [worker.id, worker.host, worker.pid, worker.capacity, worker.heartbeatSeconds],
    );
  }

  async heartbeatWorker(id: string): Promise<boolean> {
    await this.migrated;
    return (await this.pool.query(`UPDATE workers SET heartbeat_at = ${POSTGRES_NOW} WHERE id = $1`, [id])).rowCount === 1;
  }

  async deregisterWorker(id: string): Promise<void> {
    await this.query('DELETE FROM workers WHERE id = $1', [id]);
  }

  async listWorkers(): Promise<WorkerRecord[]> {
    const rows = await this.query<WorkerRow>(
      `SELECT id, host, pid, capacity, heartbeat_seconds, started_at, heartbeat_at, draining,
         EXTRACT(EPOCH FROM clock_timestamp() - heartbeat_at::timestamptz)::float8 AS heartbeat_age
       FROM workers ORDER BY started_at, id`,
    );
    const running = runningByOwner(
      await this.query<{ owner: string; id: string }>(
        `SELECT owner, id FROM builds WHERE state = 'running' AND owner IS NOT NULL ORDER BY created_at, ordinal`,
      ),
    );
    return rows.map((row) => toWorkerRecord(row, running.get(row.id) ?? []));
  }

  async setWorkerDraining(id: string, draining: boolean): Promise<boolean> {
    await this.migrated;
    return (await this.pool.query('UPDATE workers SET draining = $1 WHERE id = $2', [draining ? 1 : 0, id])).rowCount === 1;
  }

  async workerDraining(id: string): Promise<boolean> {
    const [row] = await this.query<{ draining: number }>('SELECT draining FROM workers WHERE id = $1', [id]);
    return row?.draining === 1;
  }

  async watchEvents(listener: EventsCommitted): Promise<() => Promise<void>> {
    await this.migrated;
    let stopped = false;
    let client: pg.Client | undefined;
    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
      client = next;
      next.on('notification', (message) => {
        const [buildId, first, last] = (message.payload ?? '').split(' ');
        if (buildId && first && last) listener(buildId, Number(first), Number(last));
      });
      // a lost connection is opened again; readers' polling covers what was notified meanwhile
      next.on('error', () => undefined);
      next.on('end', () => {
        if (!stopped) setTimeout(() => void connect().catch(() => undefined), 1000).unref();
      });
      await next.connect();
      await next.query(`LISTEN ${EVENTS_CHANNEL}`);
    };
    await connect();
    return async () => {
      stopped = true;
      await client?.end().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    await this.migrated.catch(() => undefined);
    await this.pool.end();
  }
}

async function findReusable(db: Queryable, buildKey: string): Promise<BuildRow | undefined> {
  const { rows } = await db.query<BuildRow>(
    `SELECT ${BUILD_COLUMNS} FROM builds WHERE build_key = $1 AND deleted = 0
       AND (state IN ('queued', 'running') OR (state = 'succeeded' AND pruned = 0))
     ORDER BY created_at DESC, ordinal DESC LIMIT 1`,
    [buildKey],
  );
  return rows[0];
}

async function requireRow(db: Queryable, id: string): Promise<BuildRow> {
  const { rows } = await db.query<BuildRow>(`SELECT ${BUILD_COLUMNS} FROM builds WHERE id = $1`, [id]);
  const row = rows[0];
  if (!row) throw new Error(`build ${id} does not exist`);
  return row;
}

/** Numbers and stores events under the build row's lock: the next writer waits, so no seq is used twice or skipped. */
async function appendInTransaction(client: pg.PoolClient, buildId: string, bodies: BuildEventBody[]): Promise<BuildEvent[]> {
  const { rows } = await client.query<{ last_seq: number }>('SELECT last_seq FROM builds WHERE id = $1 FOR UPDATE', [buildId]);
  const last = rows[0]?.last_seq;
  if (last === undefined) throw new Error(`build ${buildId} does not exist`);
  const events: BuildEvent[] = [];
  for (const [index, body] of bodies.entries()) {
    const event = { ...body, seq: last + index + 1, time: now() } as BuildEvent;
    await client.query('INSERT INTO events (build_id, seq, time, body) VALUES ($1, $2, $3, $4)', [buildId, event.seq, event.time, JSON.stringify(body)]);
    await projectEvent(client, buildId, event);
    events.push(event);
  }
  await client.query('UPDATE builds SET last_seq = $1 WHERE id = $2', [last + bodies.length, buildId]);
  // delivered at commit, and only if the transaction commits: a listener never hears of an event that is not stored
  await client.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, `${buildId} ${last + 1} ${last + bodies.length}`]);
  return events;
}

function toEvent(row: { seq: number; time: string; body: string }): BuildEvent {
  return { ...(JSON.parse(row.body) as BuildEventBody), seq: row.seq, time: row.time } as BuildEvent;
}
