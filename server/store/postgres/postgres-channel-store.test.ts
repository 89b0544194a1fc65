import { describe } from 'vitest';
import { channelStoreContract } from '../../testing/channel-store-contract.ts';
import { postgresMissing } from '../../testing/postgres.ts';
import { postgresPerTest } from '../../testing/postgres-per-test.ts';
import { PostgresChannelStore } from './postgres-channel-store.ts';
import { PostgresStore } from './postgres-store.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres channel store tests: ${missing}`);

describe.skipIf(missing !== null)('Postgres channel store', () => {
  const freshDatabase = postgresPerTest('channels');
  channelStoreContract('Postgres', async () => {
    const url = await freshDatabase();
    return { open: () => ({ store: new PostgresStore(url), channels: new PostgresChannelStore(url) }), cleanup: async () => undefined };
  });
});
