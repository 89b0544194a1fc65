import { BuildStore } from '../store/build-store.ts';
import { openDatabase } from '../store/open-database.ts';

/** Claims queued builds from a shared data dir until none are left; prints each id it got. */
const store = new BuildStore(openDatabase(process.argv[2] ?? ''));
const owner = `claim-loop/${process.pid}`;
for (;;) {
  const claimed = store.claimNextQueued(owner);
  if (!claimed) break;
  process.stdout.write(`${claimed.row.id}\n`);
}
