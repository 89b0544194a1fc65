import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newBuild, storeContract, type StoreLocation } from '../testing/store-contract.ts';
import { workerRegistryContract } from '../testing/worker-registry-contract.ts';
import { migrations } from './migrations.ts';
import { SqliteStore } from './sqlite-store.ts';

async function freshSqlite(): Promise<StoreLocation> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-store-'));
  return { location: dataDir, open: () => SqliteStore.open(dataDir), cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
}

storeContract('SQLite', freshSqlite);
workerRegistryContract('SQLite', freshSqlite);

describe('SQLite store file', () => {
  let dataDir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-store-'));
    store = SqliteStore.open(dataDir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('survives reopening: migrations run once, in WAL mode', async () => {
    const { row } = await store.createOrReuse(await newBuild(20), false);
    await store.close();
    store = SqliteStore.open(dataDir);
    expect((await store.getRow(row.id))?.state).toBe('queued');
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});
