import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** Whether a database URL names Postgres (the only kind STAMPER_DATABASE_URL takes). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * The store for this process: Postgres when a database URL is given (API replicas and
 * workers on several machines share it), otherwise SQLite in the data dir, the embedded
 * default. Postgres connects and migrates in the background; the first query waits for it.
 */
export function openStore(options: { dataDir: string; databaseUrl?: string }): Store {
  if (options.databaseUrl) {
    if (!isPostgresUrl(options.databaseUrl)) throw new Error('STAMPER_DATABASE_URL must be a postgres:// URL');
    return new PostgresStore(options.databaseUrl);
  }
  return SqliteStore.open(options.dataDir);
}
