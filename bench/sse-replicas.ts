import { loadavg } from 'node:os';
import type { BuildEvent } from '../src/spec/build-events.ts';
import { startTestPostgres } from '../server/testing/postgres.ts';
import { killAndRemove, startServeProcess, startWorkerProcess, submitTo, type FleetProcess } from '../server/testing/scripted-fleet.ts';
import { openSse, type SseSession } from '../server/testing/sse-client.ts';
import { scenarioSpec } from '../server/testing/test-builds.ts';

/**
 * SSE fan-out across API replicas: a `stamper worker` runs one build (scripted, ~5,000
 * events) and N clients follow it, half through API process A and half through B; neither
 * runs it, so every event reaches both by Postgres LISTEN/NOTIFY. Prints delivered events
 * per second per replica and checks that every client got every event once, in order.
 * Usage: node --import tsx bench/sse-replicas.ts [clients=200] [timeoutSeconds=120]
 */
const clients = Number(process.argv[2] ?? 200);
const timeoutMs = Number(process.argv[3] ?? 120) * 1000;

async function main(): Promise<number> {
  const postgres = await startTestPostgres();
  const processes: FleetProcess[] = [];
  try {
    const env = { STAMPER_DATABASE_URL: await postgres.createDatabase('sse_bench') };
    const a = await startServeProcess(env);
    const b = await startServeProcess(env);
    processes.push(a, b);
    // the worker starts after the clients connect, so every event travels while they listen
    const build = await submitTo(a, scenarioSpec('flood', 300));
    const started = performance.now();
    const sessions: { replica: 'A' | 'B'; session: SseSession }[] = await Promise.all(
      Array.from({ length: clients }, async (_, i) => {
        const replica = i % 2 === 0 ? a : b;
        return { replica: i % 2 === 0 ? ('A' as const) : ('B' as const), session: await openSse(`${replica.base}/api/builds/${build.id}/events`) };
      }),
    );
    processes.push(await startWorkerProcess(env));
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const outcome = await Promise.race([Promise.all(sessions.map((s) => s.session.ended)).then(() => 'done' as const), timeout]);
    const seconds = (performance.now() - started) / 1000;
    sessions.forEach((s) => s.session.close());

    const finalSeq = Math.max(...sessions.map((s) => Number(s.session.messages.at(-1)?.id ?? 0)));
    const broken = sessions.filter((s) => s.session.messages.length !== finalSeq || s.session.messages.some((m, i) => Number(m.id) !== i + 1));
    const last = JSON.parse(sessions[0]?.session.messages.at(-1)?.data ?? '{}') as Partial<BuildEvent>;
    console.log(`clients:               ${clients} (${clients - Math.floor(clients / 2)} on A, ${Math.floor(clients / 2)} on B; the build runs on a worker)`);
    console.log(`load average at end:   ${loadavg()[0]?.toFixed(1)}`);
    console.log(`events per build:      ${finalSeq}`);
    for (const replica of ['A', 'B'] as const) {
      const delivered = sessions.filter((s) => s.replica === replica).reduce((sum, s) => sum + s.session.messages.length, 0);
      console.log(`replica ${replica} delivered:   ${delivered} events, ${Math.round(delivered / seconds)} events/s`);
    }
    console.log(`elapsed (worker start to last event): ${seconds.toFixed(2)} s`);
    console.log(`exactly once, ordered: ${broken.length === 0 ? 'yes' : `NO (${broken.length} clients differ)`}`);
    if (outcome === 'timeout') console.log(`stopped after ${timeoutMs / 1000} s before every stream ended`);
    return outcome === 'done' && broken.length === 0 && last.type === 'state' ? 0 : 1;
  } finally {
    await killAndRemove(processes);
    await postgres.stop();
  }
}

process.exitCode = await main();
