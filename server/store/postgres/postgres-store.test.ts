import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresMissing } from '../../testing/postgres.ts';
import { postgresPerTest } from '../../testing/postgres-per-test.ts';
import { storeContract, type StoreLocation } from '../../testing/store-contract.ts';
import { workerRegistryContract } from '../../testing/worker-registry-contract.ts';
import { postgresMigrations } from './migrations.ts';
import { PostgresStore } from './postgres-store.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres store tests: ${missing}`);

describe.skipIf(missing !== null)('Postgres store', () => {
  const freshDatabase = postgresPerTest('contract');
  const freshPostgres = async (): Promise<StoreLocation> => {
    const url = await freshDatabase();
    return { location: url, open: () => new PostgresStore(url), cleanup: async () => undefined };
  };
  storeContract('Postgres', freshPostgres);
  workerRegistryContract('Postgres', freshPostgres);

  it('migrates once when several processes start at the same moment', async () => {
    const url = await freshDatabase('migrate_race');
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open(url)));
    await Promise.all(stores.map((store) => store.close()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ version: number }>('SELECT version FROM stamper_schema ORDER BY version');
    await client.end();
    expect(rows.map((row) => row.version)).toEqual(postgresMigrations.map((_, index) => index + 1));
  });

  it('says so when the database cannot be reached', async () => {
    const url = new URL(await freshDatabase('unreachable'));
    url.password = 'wrong';
    await expect(PostgresStore.open(url.toString())).rejects.toThrow(/password authentication failed/);
  });
});
