import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/spec/build-events.ts';
import { PostgresStore } from '../store/postgres/postgres-store.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { newBuild } from '../testing/store-contract.ts';
import { fanOutCommittedEvents } from './event-fanout.ts';
import { EventHub } from './event-hub.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the event fan-out tests: ${missing}`);

describe.skipIf(missing !== null)('events fanned out through Postgres LISTEN/NOTIFY', () => {
  let server: TestPostgres;
  let writer: PostgresStore;
  let reader: PostgresStore;
  beforeAll(async () => {
    server = await startTestPostgres();
    const url = await server.createDatabase('fanout');
    writer = await PostgresStore.open(url);
    reader = await PostgresStore.open(url);
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await server?.stop();
  });

  it("reach another connection's hub as they commit, in order, for followed builds only, with nothing polled", async () => {
    const hub = new EventHub();
    const stop = await fanOutCommittedEvents(reader, hub, (message) => {
      throw new Error(message);
    });
    const followed = (await writer.createOrReuse(await newBuild(60), false)).row;
    const unfollowed = (await writer.createOrReuse(await newBuild(61), false)).row;
    const received: BuildEvent[] = [];
    const unsubscribe = hub.subscribe(followed.id, (events) => received.push(...events));
    let other = 0;
    hub.subscribe('never', () => (other += 1));

    for (let n = 0; n < 5; n += 1) {
      await writer.appendEvents(followed.id, [{ type: 'log', stage: 'rootfs', stream: 'stdout', line: `line ${n}` }]);
      await writer.appendEvents(unfollowed.id, [{ type: 'log', stage: 'rootfs', stream: 'stdout', line: `other ${n}` }]);
    }
    const deadline = Date.now() + 5000;
    // the "queued" event (seq 1) may or may not arrive: it was committed before the subscription
    const logs = () => received.filter((e) => e.type === 'log');
    while (logs().length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logs().map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(logs().map((e) => (e.type === 'log' ? e.line : ''))).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    expect(received.every((e) => e.seq <= 6)).toBe(true);
    expect(other).toBe(0);

    unsubscribe();
    await stop();
  });
});
