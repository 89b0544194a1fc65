import pg from 'pg';
import type { AccessStores } from '../open-access.ts';
import { migrate } from './migrate.ts';
import { PostgresAccessStore, type PostgresQuery } from './postgres-access-store.ts';
import { PostgresAuditLog } from './postgres-audit-log.ts';

/**
 * Access and audit on Postgres, with a small pool of their own: the guard asks on every
 * request, and must not wait behind the build store's connections (or they behind it).
 * Migrating again is cheap and safe (one advisory lock, see migrate.ts).
 */
export function openPostgresAccess(url: string, options: { max?: number } = {}): AccessStores {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 4, connectionTimeoutMillis: 10_000 });
  // a connection the server drops must not end the process; the next query reconnects
  pool.on('error', () => undefined);
  const migrated = migrate(pool);
  // awaited by every query; this only keeps a failed start-up from being an unhandled rejection
  migrated.catch(() => undefined);
  const query: PostgresQuery = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => {
    await migrated;
    return (await pool.query<R>(sql, params)).rows;
  };
  return {
    access: new PostgresAccessStore(query),
    audit: new PostgresAuditLog(query),
    ready: () => migrated,
    close: async () => {
      await migrated.catch(() => undefined);
      await pool.end();
    },
  };
}
