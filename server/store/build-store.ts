import { randomUUID } from 'node:crypto';
import type { BuildDetail, BuildList, BuildSummary } from '../../src/spec/build-api.ts';
import type { BuildEvent, BuildEventBody, BuildState, PublishedImage, StageName } from '../../src/spec/build-events.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import { type ArtifactRow, type BuildRow, type StageRow, toStageRecord, toSummary } from './build-rows.ts';
import { projectEvent } from './event-projection.ts';
import { buildInputs, inputsKey, lineage, updateCounts } from './lineage-rows.ts';
import type { SqliteDatabase } from './open-database.ts';

/** A build as stored: its artifacts by name; download URLs are the HTTP layer's to add. */
export type StoredBuild = Omit<BuildDetail, 'artifacts'> & { artifacts: Omit<BuildDetail['artifacts'][number], 'url'>[] };

export interface NewBuild {
  buildKey: string;
  spec: NodeImage;
  specYaml: string;
  stages: StageName[];
  retryOf?: string;
  /** The build this one rebuilds with newer inputs. */
  supersedes?: string;
}

export interface BuildFilters {
  state?: BuildState[];
  name?: string;
  kubernetesVersion?: string;
  sort: 'newest' | 'oldest';
  page: number;
  pageSize: number;
}

export interface RecordedArtifact {
  name: string;
  format: string;
  sizeBytes: number;
  sha256: string;
  path: string;
}

const now = () => new Date().toISOString();

/**
 * All persistence for builds: rows, stages, the append-only event log and artifacts.
 * Every write that appends an event runs in one IMMEDIATE transaction, so sequence
 * numbers are gap-free even with several processes on the same file.
 */
export class BuildStore {
  constructor(readonly db: SqliteDatabase) {}

  /** Returns the running/queued/succeeded build with this key, or inserts a new queued one. */
  createOrReuse(input: NewBuild, force: boolean): { row: BuildRow; reused: boolean; events: BuildEvent[] } {
    const run = this.db.transaction(() => {
      const existing = force ? undefined : this.findReusable(input.buildKey);
      if (existing) return { row: existing, reused: true, events: [] };
      const id = randomUUID();
      const spec = input.spec.spec;
      this.db
        .prepare(
          `INSERT INTO builds (id, build_key, name, state, kubernetes_version, release, formats, spec_json, spec_yaml, created_at, retry_of, supersedes)
           VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
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
        );
      const insertStage = this.db.prepare(`INSERT INTO stages (build_id, position, name, status) VALUES (?, ?, ?, 'pending')`);
      input.stages.forEach((name, position) => insertStage.run(id, position, name));
      const events = this.appendInTransaction(id, [{ type: 'state', state: 'queued' }]);
      return { row: this.requireRow(id), reused: false, events };
    });
    return run.immediate();
  }

  findReusable(buildKey: string): BuildRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM builds WHERE build_key = ? AND deleted = 0
           AND (state IN ('queued', 'running') OR (state = 'succeeded' AND pruned = 0))
         ORDER BY created_at DESC LIMIT 1`,
      )
      .get(buildKey) as BuildRow | undefined;
  }

  getRow(id: string): BuildRow | undefined {
    return this.db.prepare('SELECT * FROM builds WHERE id = ?').get(id) as BuildRow | undefined;
  }

  requireRow(id: string): BuildRow {
    const row = this.getRow(id);
    if (!row) throw new Error(`build ${id} does not exist`);
    return row;
  }

  /** 1 for the next build to run; null when the build is not waiting. */
  queuePosition(row: BuildRow): number | null {
    if (row.state !== 'queued') return null;
    const ahead = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM builds WHERE state = 'queued' AND deleted = 0 AND (created_at < ? OR (created_at = ? AND rowid < (SELECT rowid FROM builds WHERE id = ?)))`,
      )
      .get(row.created_at, row.created_at, row.id) as { n: number };
    return ahead.n + 1;
  }

  summary(row: BuildRow): BuildSummary {
    return { ...toSummary(row, this.queuePosition(row)), updates: updateCounts(this.db, row.id) };
  }

  detail(id: string): StoredBuild | undefined {
    const row = this.getRow(id);
    if (!row) return undefined;
    const stages = this.db.prepare('SELECT * FROM stages WHERE build_id = ? ORDER BY position').all(id) as StageRow[];
    const checks = this.db.prepare('SELECT name, ok, detail FROM verify_checks WHERE build_id = ? ORDER BY position').all(id) as {
      name: string;
      ok: number;
      detail: string;
    }[];
    const published = this.db.prepare('SELECT body FROM published_images WHERE build_id = ? ORDER BY position').all(id) as { body: string }[];
    const testImage = this.db
      .prepare(`SELECT json_extract(body, '$.reason') AS reason FROM events WHERE build_id = ? AND json_extract(body, '$.type') = 'testImage' LIMIT 1`)
      .get(id) as { reason: string } | undefined;
    return {
      ...this.summary(row),
      spec: JSON.parse(row.spec_json) as Record<string, unknown>,
      specYaml: row.spec_yaml,
      stages: stages.map(toStageRecord),
      verify: checks.map((c) => ({ name: c.name, ok: c.ok === 1, detail: c.detail })),
      artifacts: this.artifacts(id).map((a) => ({
        name: a.name,
        format: a.format,
        sizeBytes: a.size_bytes,
        sha256: a.sha256,
      })),
      published: published.map((p) => JSON.parse(p.body) as PublishedImage),
      testImage: testImage ? { reason: testImage.reason } : null,
      lastEventSeq: row.last_seq,
      worker: row.owner,
      retryOf: row.retry_of,
      ...this.provenance(row),
    };
  }

  /** What the build was made from, and its place in a chain of rebuilds. */
  private provenance(row: BuildRow): Pick<StoredBuild, 'inputs' | 'inputsKey' | 'supersedes' | 'supersededBy'> {
    const inputs = buildInputs(this.db, row.id);
    return { inputs, inputsKey: inputsKey(row.build_key, inputs), ...lineage(this.db, row.id) };
  }

  list(filters: BuildFilters): BuildList {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filters.state?.length) {
      where.push(`state IN (${filters.state.map(() => '?').join(', ')})`);
      params.push(...filters.state);
    }
    if (filters.name) {
      where.push(`name LIKE ? ESCAPE '\\'`);
      params.push(`%${filters.name.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (filters.kubernetesVersion) {
      // "1.35" matches every 1.35.x; "1.35.3" only itself.
      where.push('(kubernetes_version = ? OR kubernetes_version LIKE ?)');
      params.push(filters.kubernetesVersion, `${filters.kubernetesVersion.replace(/[\\%_]/g, '')}.%`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = filters.sort === 'oldest' ? 'ASC' : 'DESC';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM builds ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM builds ${clause} ORDER BY created_at ${order}, rowid ${order} LIMIT ? OFFSET ?`)
      .all(...params, filters.pageSize, (filters.page - 1) * filters.pageSize) as BuildRow[];
    return { items: rows.map((row) => this.summary(row)), total, page: filters.page, pageSize: filters.pageSize };
  }

  /** Appends events durably and returns them with their sequence numbers, ready to stream. */
  appendEvents(buildId: string, bodies: BuildEventBody[]): BuildEvent[] {
    if (bodies.length === 0) return [];
    return this.db.transaction(() => this.appendInTransaction(buildId, bodies)).immediate();
  }

  private appendInTransaction(buildId: string, bodies: BuildEventBody[]): BuildEvent[] {
    const { last_seq: last } = this.db.prepare('SELECT last_seq FROM builds WHERE id = ?').get(buildId) as { last_seq: number };
    const insert = this.db.prepare('INSERT INTO events (build_id, seq, time, body) VALUES (?, ?, ?, ?)');
    const events = bodies.map((body, index) => {
      const event = { ...body, seq: last + index + 1, time: now() } as BuildEvent;
      insert.run(buildId, event.seq, event.time, JSON.stringify(body));
      projectEvent(this.db, buildId, event);
      return event;
    });
    this.db.prepare('UPDATE builds SET last_seq = ? WHERE id = ?').run(last + bodies.length, buildId);
    return events;
  }

  eventsAfter(buildId: string, after: number, limit = 1000): BuildEvent[] {
    const rows = this.db.prepare('SELECT seq, time, body FROM events WHERE build_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(buildId, after, limit) as {
      seq: number;
      time: string;
      body: string;
    }[];
    return rows.map((row) => ({ ...(JSON.parse(row.body) as BuildEventBody), seq: row.seq, time: row.time }) as BuildEvent);
  }

  /** Streams every event of a build without loading them all (logs can be long). */
  *iterateEvents(buildId: string): Generator<BuildEvent> {
    const statement = this.db.prepare('SELECT seq, time, body FROM events WHERE build_id = ? ORDER BY seq');
    for (const row of statement.iterate(buildId) as Iterable<{ seq: number; time: string; body: string }>) {
      yield { ...(JSON.parse(row.body) as BuildEventBody), seq: row.seq, time: row.time } as BuildEvent;
    }
  }

  /** Takes the oldest queued build (or `buildId`, if still queued) for `owner`; atomic across processes sharing the file. */
  claimNextQueued(owner: string, buildId?: string): { row: BuildRow; events: BuildEvent[] } | undefined {
    const claim = this.db.transaction(() => {
      const next = (
        buildId === undefined
          ? this.db.prepare(`SELECT id FROM builds WHERE state = 'queued' AND deleted = 0 ORDER BY created_at, rowid LIMIT 1`).get()
          : this.db.prepare(`SELECT id FROM builds WHERE state = 'queued' AND deleted = 0 AND id = ?`).get(buildId)
      ) as { id: string } | undefined;
      if (!next) return undefined;
      this.db.prepare('UPDATE builds SET owner = ?, pid = NULL, pgid = NULL WHERE id = ?').run(owner, next.id);
      const events = this.appendInTransaction(next.id, [{ type: 'state', state: 'running' }]);
      return { row: this.requireRow(next.id), events };
    });
    return claim.immediate();
  }

  /**
   * Hands a running build whose owner died to `recoverer`, only while it is still running
   * under that owner: one conditional UPDATE, so of several processes recovering the same
   * build at once exactly one gets true and cleans it up.
   */
  claimForRecovery(buildId: string, deadOwner: string | null, recoverer: string | null): boolean {
    const claim = this.db.prepare(`UPDATE builds SET owner = ? WHERE id = ? AND state = 'running' AND owner IS ?`);
    return claim.run(recoverer, buildId, deadOwner).changes === 1;
  }

  recordProcess(buildId: string, pid: number): void {
    // The build process leads its own group, so its pid is the group id to signal.
    this.db.prepare('UPDATE builds SET pid = ?, pgid = ? WHERE id = ?').run(pid, pid, buildId);
  }

  /** Moves a build to a final state with its reason as the last event. */
  finish(buildId: string, state: BuildState, details: { error?: string; failedStage?: string; reason?: string } = {}): BuildEvent[] {
    const run = this.db.transaction(() => {
      // An interrupted build has no error of its own; its reason is what a reader of the record needs.
      const error = details.error ?? (state === 'interrupted' ? details.reason : undefined);
      this.db
        .prepare('UPDATE builds SET error = ?, failed_stage = ?, pid = NULL, pgid = NULL WHERE id = ?')
        .run(error ?? null, details.failedStage ?? null, buildId);
      const reason = details.reason ?? details.error;
      return this.appendInTransaction(buildId, [{ type: 'state', state, ...(reason ? { reason } : {}) }]);
    });
    return run.immediate();
  }

  /** Cancels a build that has not started; undefined when a runner claimed it first. */
  cancelIfQueued(buildId: string): BuildEvent[] | undefined {
    const run = this.db.transaction(() => {
      if (this.getRow(buildId)?.state !== 'queued') return undefined;
      return this.appendInTransaction(buildId, [{ type: 'state', state: 'canceled', reason: 'canceled before it started' }]);
    });
    return run.immediate();
  }

  requestCancel(buildId: string): void {
    this.db.prepare('UPDATE builds SET cancel_requested = 1 WHERE id = ?').run(buildId);
  }

  recordArtifactPaths(buildId: string, artifacts: RecordedArtifact[]): void {
    const upsert = this.db.prepare(
      `INSERT INTO artifacts (build_id, name, format, size_bytes, sha256, path) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (build_id, name) DO UPDATE SET format = excluded.format, size_bytes = excluded.size_bytes, sha256 = excluded.sha256, path = excluded.path`,
    );
    this.db.transaction(() => artifacts.forEach((a) => upsert.run(buildId, a.name, a.format, a.sizeBytes, a.sha256, a.path)))();
  }

  artifacts(buildId: string): ArtifactRow[] {
    return this.db.prepare('SELECT * FROM artifacts WHERE build_id = ? AND path IS NOT NULL ORDER BY name').all(buildId) as ArtifactRow[];
  }

  artifact(buildId: string, name: string): ArtifactRow | undefined {
    return this.db.prepare('SELECT * FROM artifacts WHERE build_id = ? AND name = ? AND path IS NOT NULL').get(buildId, name) as ArtifactRow | undefined;
  }

  /** Forgets a build's files but keeps its history: a tombstone when deleted, pruned under retention. */
  dropArtifacts(buildId: string, mark: 'deleted' | 'pruned'): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM artifacts WHERE build_id = ?').run(buildId);
      this.db.prepare(`UPDATE builds SET ${mark === 'deleted' ? 'deleted' : 'pruned'} = 1 WHERE id = ?`).run(buildId);
    })();
  }

  runningRows(): BuildRow[] {
    return this.db.prepare(`SELECT * FROM builds WHERE state = 'running'`).all() as BuildRow[];
  }

  queueLength(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM builds WHERE state = 'queued' AND deleted = 0`).get() as { n: number }).n;
  }

  countsByState(): { state: string; n: number }[] {
    return this.db.prepare('SELECT state, COUNT(*) AS n FROM builds GROUP BY state').all() as { state: string; n: number }[];
  }

  stageDurations(): { name: string; count: number; sumMs: number }[] {
    return this.db
      .prepare(
        `SELECT name, COUNT(*) AS count, COALESCE(SUM(duration_ms), 0) AS sumMs FROM stages WHERE status = 'succeeded' AND duration_ms IS NOT NULL GROUP BY name`,
      )
      .all() as { name: string; count: number; sumMs: number }[];
  }

  /** Builds that still hold artifacts, newest first: `newest` (a build finishing now) leads, then by finish time. */
  buildsWithArtifacts(newest?: string): { id: string; bytes: number }[] {
    return this.db
      .prepare(
        `SELECT b.id AS id, COALESCE(SUM(a.size_bytes), 0) AS bytes FROM builds b JOIN artifacts a ON a.build_id = b.id
         WHERE b.deleted = 0 AND b.pruned = 0 AND a.path IS NOT NULL
           AND (b.state IN ('succeeded', 'failed', 'canceled', 'interrupted') OR b.id = ?)
         GROUP BY b.id ORDER BY (b.id = ?) DESC, b.finished_at DESC, b.rowid DESC`,
      )
      .all(newest ?? null, newest ?? null) as { id: string; bytes: number }[];
  }
}
