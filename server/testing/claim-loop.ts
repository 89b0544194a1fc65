import { isPostgresUrl, openStore } from '../store/open-store.ts';

/** Claims queued builds from a shared data dir or Postgres URL until none are left; prints each id it got. */
const location = process.argv[2] ?? '';
const store = openStore(isPostgresUrl(location) ? { dataDir: '', databaseUrl: location } : { dataDir: location });
const owner = `claim-loop/${process.pid}`;
for (;;) {
  const claimed = await store.claimNextQueued(owner);
  if (!claimed) break;
  process.stdout.write(`${claimed.row.id}\n`);
}
await store.close();
