import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { channelStoreContract } from '../testing/channel-store-contract.ts';
import { SqliteChannelStore } from './sqlite-channel-store.ts';
import { SqliteStore } from './sqlite-store.ts';

channelStoreContract('SQLite', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-channels-'));
  return {
    // each open is a connection of its own on the one file, as a second process's would be
    open: () => {
      const store = SqliteStore.open(dataDir);
      return { store, channels: new SqliteChannelStore(store.db) };
    },
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
