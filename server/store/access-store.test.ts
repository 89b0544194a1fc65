import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { accessContract, type AccessLocation } from '../testing/access-contract.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { openAccessStores } from './open-access.ts';
import { PostgresStore } from './postgres/postgres-store.ts';
import { SqliteStore } from './sqlite-store.ts';

accessContract('SQLite', async (): Promise<AccessLocation> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-access-'));
  return {
    open: () => {
      const store = SqliteStore.open(dataDir);
      return { store, stores: openAccessStores({ sqlite: store.db }) };
    },
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres access tests: ${missing}`);

describe.skipIf(missing !== null)('Postgres access', () => {
  let server: TestPostgres;
  let databases = 0;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  accessContract('Postgres', async (): Promise<AccessLocation> => {
    // a database per test: every test starts from an empty, freshly migrated schema
    const url = await server.createDatabase(`access_${(databases += 1)}`);
    return { open: () => ({ store: new PostgresStore(url), stores: openAccessStores({ databaseUrl: url }) }), cleanup: async () => undefined };
  });
});
