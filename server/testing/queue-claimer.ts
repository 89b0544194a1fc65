import { PgBossQueue } from '../builds/queue/pg-boss-queue.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';

/**
 * A worker's half of the queue in a process of its own, so a test can kill it with -9:
 * claims builds from the Postgres URL in argv[2] with 10 s leases, prints each id, keeps
 * every lease renewed, and never finishes one.
 */
const databaseUrl = process.argv[2] ?? '';
const store = new PostgresStore(databaseUrl);
const queue = new PgBossQueue({ databaseUrl, store, leaseSeconds: 10, buildTimeoutSeconds: 600, warn: (m) => process.stderr.write(`${m}\n`) });
await queue.start();
process.stdout.write('ready\n');
setInterval(() => {
  void queue.claim(`queue-claimer/${process.pid}`).then((claimed) => {
    if (claimed) process.stdout.write(`${claimed.row.id}\n`);
  });
}, 200);
