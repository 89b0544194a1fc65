import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
import { accessContract, type AccessLocation } from '../testing/access-contract.ts';
import { postgresMissing } from '../testing/postgres.ts';
import { postgresPerTest } from '../testing/postgres-per-test.ts';
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
  const freshDatabase = postgresPerTest('access');
  accessContract('Postgres', async (): Promise<AccessLocation> => {
    const url = await freshDatabase();
    return { open: () => ({ store: new PostgresStore(url), stores: openAccessStores({ databaseUrl: url }) }), cleanup: async () => undefined };
  });
});
