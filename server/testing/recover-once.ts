import { createInterface } from 'node:readline';
import { EventHub } from '../builds/event-hub.ts';
import { currentOwner } from '../builds/owner-id.ts';
import { recoverAbandonedBuilds } from '../builds/recover-builds.ts';
import { SqliteStore } from '../store/sqlite-store.ts';

/**
 * One recovery pass over a shared data dir, as a separate process: prints "ready", waits
 * for a line on stdin (so several start at the same moment), then prints what it did as JSON.
 */
const dataDir = process.argv[2] ?? '';
const store = SqliteStore.open(dataDir);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  const warnings: string[] = [];
  const recovered = await recoverAbandonedBuilds(store, new EventHub(), dataDir, currentOwner(), (message) => warnings.push(message));
  process.stdout.write(`${JSON.stringify({ recovered, warnings })}\n`);
  break;
}
lines.close();
await store.close();
