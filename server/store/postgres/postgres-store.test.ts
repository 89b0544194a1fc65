import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../../testing/postgres.ts';
import { storeContract, type StoreLocation } from '../../testing/store-contract.ts';
import { workerRegistryContract } from '../../testing/worker-registry-contract.ts';
import { postgresMigrations } from './migrations.ts';
import { PostgresStore } from './postgres-store.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres store tests: ${missing}`);

describe.skipIf(missing !== null)('Postgres store', () => {
  let server: TestPostgres;
  let databases = 0;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const freshPostgres = async (): Promise<StoreLocation> => {
    // a database per test: every test starts from an empty, freshly migrated schema
    const url = await server.createDatabase(`contract_${(databases += 1)}`);
    return { location: url, open: () => new PostgresStore(url), cleanup: async () => undefined };
  };
  storeContract('Postgres', freshPostgres);
  workerRegistryContract('Postgres', freshPostgres);

  it('migrates once when several processes start at the same moment', async () => {
    const url = await server.createDatabase('migrate_race');
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
    await Promise.all(stores.map((store) => store.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ version: number }>('SELECT version FROM stamper_schema ORDER BY version');
    await client.end();
    expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((_, index) => index + 1));
  });

  it('says so when the database cannot be reached', async () => {
    const url = new URL(server.url);
    url.password = 'wrong';
    await expect(PostgresStore.open(url.toString())).rejects.toThrow(/password authentication failed/);
  });
});
