import { createHash } from 'node:crypto';
import type { UpdateCounts } from '../../src/spec/build-api.ts';
import type { BuildUpdates } from '../../src/spec/updates-api.ts';
import { inputIdentity, type BuildInput } from '../../src/spec/build-inputs.ts';
import { canonicalJson } from '../../src/spec/canonical-json.ts';
import type { SqliteDatabase } from './open-database.ts';

/** Reads of what a build was made from and what came before and after it (tables of migration 2). */

export function buildInputs(db: SqliteDatabase, buildId: string): BuildInput[] {
  const rows = db.prepare('SELECT body FROM build_inputs WHERE build_id = ? ORDER BY position').all(buildId) as { body: string }[];
  return rows.map((row) => JSON.parse(row.body) as BuildInput);
}

/** Null when nothing was recorded: such a build says nothing about its inputs. */
export function inputsKey(buildKey: string, inputs: readonly BuildInput[]): string | null {
  if (inputs.length === 0) return null;
  const state = inputs.map((input) => [inputIdentity(input), input.sha256]).sort(([a], [b]) => ((a ?? '') < (b ?? '') ? -1 : 1));
  return createHash('sha256')
    .update(canonicalJson({ buildKey, inputs: state }))
    .digest('hex');
}

export function lineage(db: SqliteDatabase, buildId: string): { supersedes: string | null; supersededBy: string | null } {
  const own = db.prepare('SELECT supersedes FROM builds WHERE id = ?').get(buildId) as { supersedes: string | null } | undefined;
  const next = db.prepare('SELECT id FROM builds WHERE supersedes = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(buildId) as { id: string } | undefined;
  return { supersedes: own?.supersedes ?? null, supersededBy: next?.id ?? null };
}

export function updateCounts(db: SqliteDatabase, buildId: string): UpdateCounts | null {
  const row = db.prepare('SELECT update_count, security_count, checked_at FROM build_updates WHERE build_id = ?').get(buildId) as
    { update_count: number; security_count: number; checked_at: string } | undefined;
  return row ? { count: row.update_count, security: row.security_count, checkedAt: row.checked_at } : null;
}

/** Keeps the newest updates check of a build: its counts for lists, the whole table for the build page. */
export function saveBuildUpdates(db: SqliteDatabase, updates: BuildUpdates): void {
  db.prepare(
    `INSERT INTO build_updates (build_id, checked_at, update_count, security_count, body) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (build_id) DO UPDATE SET checked_at = excluded.checked_at, update_count = excluded.update_count,
       security_count = excluded.security_count, body = excluded.body`,
  ).run(updates.buildId, updates.checkedAt, updates.count, updates.security, JSON.stringify(updates));
}

export function storedBuildUpdates(db: SqliteDatabase, buildId: string): BuildUpdates | null {
  const row = db.prepare('SELECT body FROM build_updates WHERE build_id = ?').get(buildId) as { body: string } | undefined;
  return row ? (JSON.parse(row.body) as BuildUpdates) : null;
}
