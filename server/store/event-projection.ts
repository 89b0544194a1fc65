import type { BuildEvent } from '../../src/spec/build-events.ts';
import { finishedStates } from '../../src/spec/build-events.ts';
import { inputIdentity } from '../../src/spec/build-inputs.ts';
import type { SqliteDatabase } from './open-database.ts';

/**
 * Keeps the builds/stages/artifacts tables in step with the event log. Called inside
 * the same transaction that appends the event, so the detail view and the stream can
 * never disagree.
 */
export function projectEvent(db: SqliteDatabase, buildId: string, event: BuildEvent): void {
  switch (event.type) {
    case 'stage': {
      db.prepare(
        `INSERT INTO stages (build_id, position, name, status) VALUES (?, (SELECT COUNT(*) FROM stages WHERE build_id = ?), ?, 'pending')
         ON CONFLICT (build_id, name) DO NOTHING`,
      ).run(buildId, buildId, event.stage);
      if (event.status === 'started') {
        db.prepare(`UPDATE stages SET status = 'running', started_at = ?, progress = 0, message = NULL WHERE build_id = ? AND name = ?`).run(
          event.time,
          buildId,
          event.stage,
        );
      } else {
        db.prepare(
          `UPDATE stages SET status = ?, finished_at = ?,
             duration_ms = COALESCE(?, CAST((julianday(?) - julianday(started_at)) * 86400000 AS INTEGER)),
             progress = CASE WHEN ? = 'succeeded' THEN 100 ELSE progress END,
             message = COALESCE(?, message)
           WHERE build_id = ? AND name = ?`,
        ).run(event.status, event.time, event.durationMs ?? null, event.time, event.status, event.error ?? null, buildId, event.stage);
      }
      return;
    }
    case 'progress':
      db.prepare(`UPDATE stages SET progress = ?, message = COALESCE(?, message) WHERE build_id = ? AND name = ?`).run(
        event.percent,
        event.message ?? null,
        buildId,
        event.stage,
      );
      return;
    case 'verify':
      db.prepare(
        `INSERT INTO verify_checks (build_id, position, name, ok, detail)
         VALUES (?, (SELECT COUNT(*) FROM verify_checks WHERE build_id = ?), ?, ?, ?)`,
      ).run(buildId, buildId, event.check.name, event.check.ok ? 1 : 0, event.check.detail);
      return;
    case 'artifact':
      db.prepare(
        `INSERT INTO artifacts (build_id, name, format, size_bytes, sha256) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (build_id, name) DO UPDATE SET format = excluded.format, size_bytes = excluded.size_bytes, sha256 = excluded.sha256`,
      ).run(buildId, event.artifact.name, event.artifact.format, event.artifact.sizeBytes, event.artifact.sha256);
      return;
    case 'published':
      db.prepare(`INSERT INTO published_images (build_id, position, body) VALUES (?, (SELECT COUNT(*) FROM published_images WHERE build_id = ?), ?)`).run(
        buildId,
        buildId,
        JSON.stringify(event.image),
      );
      return;
    case 'state': {
      const finished = finishedStates.includes(event.state);
      db.prepare(
        `UPDATE builds SET state = ?,
           started_at = CASE WHEN ? = 'running' THEN ? ELSE started_at END,
           finished_at = CASE WHEN ? THEN ? ELSE finished_at END
         WHERE id = ?`,
      ).run(event.state, event.state, event.time, finished ? 1 : 0, event.time, buildId);
      if (finished) {
        // Stages that never got to finish share the build's fate.
        const running = event.state === 'failed' ? 'failed' : 'canceled';
        const pending = event.state === 'failed' || event.state === 'succeeded' ? 'skipped' : 'canceled';
        db.prepare(
          `UPDATE stages SET status = CASE status WHEN 'running' THEN ? ELSE ? END,
             finished_at = CASE status WHEN 'running' THEN ? ELSE finished_at END
           WHERE build_id = ? AND status IN ('pending', 'running')`,
        ).run(running, pending, event.time, buildId);
      }
      return;
    }
    case 'inputs': {
      const insert = db.prepare(
        `INSERT INTO build_inputs (build_id, identity, position, body) VALUES (?, ?, (SELECT COUNT(*) FROM build_inputs WHERE build_id = ?), ?)
         ON CONFLICT (build_id, identity) DO UPDATE SET body = excluded.body`,
      );
      for (const input of event.inputs) insert.run(buildId, inputIdentity(input), buildId, JSON.stringify(input));
      return;
    }
    case 'log':
    case 'testImage': // read from the event log by detail(): no table of its own
      return;
  }
}
