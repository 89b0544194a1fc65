import type pg from 'pg';
import { postgresMigrations } from './migrations.ts';

/** Any constant: the key of the advisory lock that lets one process at a time migrate. */
const MIGRATION_LOCK = 7_013_624_501;

/**
 * Applies the migrations not yet recorded, each in its own transaction, under an advisory
 * lock: API processes and workers starting at once migrate exactly once.
 */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS stamper_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM stamper_schema');
      for (let version = rows[0]?.version ?? 0; version < postgresMigrations.length; version += 1) {
        await client.query('BEGIN');
        try {
          await client.query(postgresMigrations[version] ?? '');
          await client.query('INSERT INTO stamper_schema (version, applied_at) VALUES ($1, $2)', [version + 1, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
