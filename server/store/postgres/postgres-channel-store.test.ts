import { afterAll, beforeAll, describe } from 'vitest';
import { channelStoreContract } from '../../testing/channel-store-contract.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../../testing/postgres.ts';
import { PostgresChannelStore } from './postgres-channel-store.ts';
import { PostgresStore } from './postgres-store.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres channel store tests: ${missing}`);

describe.skipIf(missing !== null)('Postgres channel store', () => {
  let server: TestPostgres;
  let databases = 0;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  channelStoreContract('Postgres', async () => {
    // a database per test: every test starts from an empty, freshly migrated schema
    const url = await server.createDatabase(`channels_${(databases += 1)}`);
    return { open: () => ({ store: new PostgresStore(url), channels: new PostgresChannelStore(url) }), cleanup: async () => undefined };
  });
});
