import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations.ts';

export type SqliteDatabase = Database.Database;

/**
 * Opens (and migrates) the build database in the data dir. WAL lets the HTTP server
 * read while a worker writes; synchronous=FULL makes every committed event durable
 * before it is streamed, and a transaction either lands whole or not at all, so a
 * crash never leaves a half-written build.
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'stamper.db');
  // builds may pass through the data dir (rootless builds run as another user); the
  // database is the service's alone, and SQLite gives its -wal and -shm the same mode
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Several processes (serve and workers) share the file; wait for a writer instead of failing.
  db.pragma('busy_timeout = 10000');
  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  const apply = db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    for (let version = current; version < migrations.length; version += 1) {
      db.exec(migrations[version] ?? '');
      db.pragma(`user_version = ${version + 1}`);
    }
  });
  apply.immediate();
}
