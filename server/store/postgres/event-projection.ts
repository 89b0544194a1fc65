import type { PoolClient } from 'pg';
import type { BuildEvent } from '../../../src/spec/build-events.ts';
import { finishedStates } from '../../../src/spec/build-events.ts';
import { inputIdentity } from '../../../src/spec/build-inputs.ts';

/**
 * The Postgres twin of server/store/event-projection.ts: keeps builds/stages/artifacts in
 * step with the event log, inside the transaction that appends the event. The contract
 * suite checks that both projections give the same detail view.
 */
export async function projectEvent(client: PoolClient, buildId: string, event: BuildEvent): Promise<void> {
  switch (event.type) {
    case 'stage': {
      await client.query(
        `INSERT INTO stages (build_id, position, name, status) VALUES ($1, (SELECT COUNT(*) FROM stages WHERE build_id = $1), $2, 'pending')
         ON CONFLICT (build_id, name) DO NOTHING`,
        [buildId, event.stage],
      );
      if (event.status === 'started') {
        await client.query(`UPDATE stages SET status = 'running', started_at = $1, progress = 0, message = NULL WHERE build_id = $2 AND name = $3`, [
          event.time,
          buildId,
          event.stage,
        ]);
      } else {
        await client.query(
          `UPDATE stages SET status = $1, finished_at = $2::text,
             duration_ms = COALESCE($3::integer, (EXTRACT(EPOCH FROM ($2::text::timestamptz - started_at::timestamptz)) * 1000)::integer),
             progress = CASE WHEN $1 = 'succeeded' THEN 100 ELSE progress END,
             message = COALESCE($4, message)
           WHERE build_id = $5 AND name = $6`,
          [event.status, event.time, event.durationMs ?? null, event.error ?? null, buildId, event.stage],
        );
      }
      return;
    }
    case 'progress':
      await client.query(`UPDATE stages SET progress = $1, message = COALESCE($2, message) WHERE build_id = $3 AND name = $4`, [
        event.percent,
        event.message ?? null,
        buildId,
        event.stage,
      ]);
      return;
    case 'verify':
      await client.query(
        `INSERT INTO verify_checks (build_id, position, name, ok, detail)
         VALUES ($1, (SELECT COUNT(*) FROM verify_checks WHERE build_id = $1), $2, $3, $4)`,
        [buildId, event.check.name, event.check.ok ? 1 : 0, event.check.detail],
      );
      return;
    case 'artifact':
      await client.query(
        `INSERT INTO artifacts (build_id, name, format, size_bytes, sha256) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (build_id, name) DO UPDATE SET format = excluded.format, size_bytes = excluded.size_bytes, sha256 = excluded.sha256`,
        [buildId, event.artifact.name, event.artifact.format, event.artifact.sizeBytes, event.artifact.sha256],
      );
      return;
    case 'published':
      await client.query(
        `INSERT INTO published_images (build_id, position, body) VALUES ($1, (SELECT COUNT(*) FROM published_images WHERE build_id = $1), $2)`,
        [buildId, JSON.stringify(event.image)],
      );
      return;
    case 'state': {
      const finished = finishedStates.includes(event.state);
      await client.query(
        `UPDATE builds SET state = $1,
           started_at = CASE WHEN $1 = 'running' THEN $2 ELSE started_at END,
           finished_at = CASE WHEN $3 THEN $2 ELSE finished_at END
         WHERE id = $4`,
        [event.state, event.time, finished, buildId],
      );
      if (finished) {
        // Stages that never got to finish share the build's fate.
        const running = event.state === 'failed' ? 'failed' : 'canceled';
        const pending = event.state === 'failed' || event.state === 'succeeded' ? 'skipped' : 'canceled';
        await client.query(
          `UPDATE stages SET status = CASE status WHEN 'running' THEN $1 ELSE $2 END,
             finished_at = CASE status WHEN 'running' THEN $3 ELSE finished_at END
           WHERE build_id = $4 AND status IN ('pending', 'running')`,
          [running, pending, event.time, buildId],
        );
      }
      return;
    }
    case 'inputs': {
      for (const input of event.inputs) {
        await client.query(
          `INSERT INTO build_inputs (build_id, identity, position, body) VALUES ($1, $2, (SELECT COUNT(*) FROM build_inputs WHERE build_id = $1), $3)
           ON CONFLICT (build_id, identity) DO UPDATE SET body = excluded.body`,
          [buildId, inputIdentity(input), JSON.stringify(input)],
        );
      }
      return;
    }
    case 'log':
    case 'testImage': // read from the event log by detail(): no table of its own
      return;
  }
}
