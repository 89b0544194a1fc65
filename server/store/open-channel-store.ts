import type { ChannelStore } from './channel-store.ts';
import { PostgresChannelStore } from './postgres/postgres-channel-store.ts';
import { SqliteChannelStore } from './sqlite-channel-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

/** The channel store beside this process's build store: the same SQLite file, or the same Postgres database. */
export function openChannelStore(store: Store, databaseUrl: string | undefined): ChannelStore {
  if (store instanceof SqliteStore) return new SqliteChannelStore(store.db);
  if (!databaseUrl) throw new Error('a build store that is not SQLite needs the database URL its channels live in');
  return new PostgresChannelStore(databaseUrl);
}
