import { AccessRows } from './access-rows.ts';
import type { AccessStore } from './access-store.ts';
import type { AuditLog } from './audit-log.ts';
import { AuditRows } from './audit-rows.ts';
import { isPostgresUrl } from './open-store.ts';
import { openPostgresAccess } from './postgres/open-postgres-access.ts';
import { SqliteAccessStore } from './sqlite-access-store.ts';
import { SqliteAuditLog } from './sqlite-audit-log.ts';
import type { SqliteDatabase } from './open-database.ts';

export interface AccessStores {
  access: AccessStore;
  audit: AuditLog;
  /** Resolves once the tables exist; rejects with the reason the database cannot be used. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Tokens, sessions, roles, submitters and the audit log live beside the builds: in the
 * shared Postgres when there is one, so every API replica knows them, else in the SQLite
 * database of the data dir (`sqlite`, the build store's own connection).
 */
export function openAccessStores(options: { databaseUrl?: string; sqlite?: SqliteDatabase }): AccessStores {
  if (options.databaseUrl) {
    if (!isPostgresUrl(options.databaseUrl)) throw new Error('STAMPER_DATABASE_URL must be a postgres:// URL');
    return openPostgresAccess(options.databaseUrl);
  }
  if (!options.sqlite) throw new Error('access rows need the SQLite database of the build store');
  return {
    access: new SqliteAccessStore(new AccessRows(options.sqlite)),
    audit: new SqliteAuditLog(new AuditRows(options.sqlite)),
    ready: async () => undefined,
    close: async () => undefined,
  };
}
