import type { BuildDetail } from '../src/spec/build-api.ts';
import type { BuildEvent } from '../src/spec/build-events.ts';
import { startTestPostgres } from '../server/testing/postgres.ts';
import { killAndRemove, startServeProcess, startWorkerProcess, submitTo, untilBuild, type FleetProcess } from '../server/testing/scripted-fleet.ts';
import { openSse } from '../server/testing/sse-client.ts';
import { scenarioSpec } from '../server/testing/test-builds.ts';

/**
 * The Postgres queue (pg-boss) with N workers of the scripted build child: one API-only
 * process takes M builds at once, N `stamper worker` processes (each concurrency 1, own
 * data dir) build them. Prints builds per hour and the queue latency (queued → running,
 * from each build's own events) for every N. The scripted child runs ~0.1 s of "work", so
 * this measures the queue and the service around it, not the pipeline.
 * Usage: node --import tsx bench/queue-throughput.ts [workerCounts=1,2,4] [builds=40]
 */
const workerCounts = (process.argv[2] ?? '1,2,4').split(',').map(Number);
const builds = Math.min(2000, Number(process.argv[3] ?? 40));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function stateTimes(api: { base: string }, id: string): Promise<{ queued: number; running: number; finished: number }> {
  const stream = await openSse(`${api.base}/api/builds/${id}/events`);
  await stream.ended;
  const states = stream.messages.map((m) => JSON.parse(m.data) as BuildEvent).filter((e) => e.type === 'state');
  const at = (state: string) => Date.parse(states.find((e) => e.type === 'state' && e.state === state)?.time ?? '');
  return { queued: at('queued'), running: at('running'), finished: Date.parse(states.at(-1)?.time ?? '') };
}

/** One round on a database of its own, so the same build keys may be submitted again. */
async function run(postgresUrl: string, workers: number) {
  // submissions are what is measured: the per-minute limit for one user stays out of the way
  const env = { STAMPER_DATABASE_URL: postgresUrl, STAMPER_WORKER_HEARTBEAT_SECONDS: '2', STAMPER_BUILDS_PER_MINUTE: '100000' };
  const processes: FleetProcess[] = [];
  try {
    const api = await startServeProcess(env);
    processes.push(api);
    for (let i = 0; i < workers; i += 1) processes.push(await startWorkerProcess(env));
    const started = performance.now();
    const submitted: BuildDetail[] = await Promise.all(Array.from({ length: builds }, (_, i) => submitTo(api, scenarioSpec('quick', 10 + i))));
    const done = await Promise.all(submitted.map((b) => untilBuild(api, b.id, (d) => d.state !== 'queued' && d.state !== 'running', 600_000)));
    const seconds = (performance.now() - started) / 1000;
    const failed = done.filter((b) => b.state !== 'succeeded').length;
    const times = await Promise.all(done.map((b) => stateTimes(api, b.id)));
    const latency = times.map((t) => t.running - t.queued).sort((a, b) => a - b);
    const perWorker = new Map<string, number>();
    for (const b of done) perWorker.set(b.worker ?? '?', (perWorker.get(b.worker ?? '?') ?? 0) + 1);
    console.log(
      `${String(workers).padStart(7)} | ${String(builds).padStart(6)} | ${seconds.toFixed(1).padStart(7)} s | ${Math.round((builds / seconds) * 3600)
        .toString()
        .padStart(
          11,
        )} | ${percentile(latency, 50).toFixed(0).padStart(8)} ms | ${percentile(latency, 95).toFixed(0).padStart(8)} ms | ${[...perWorker.values()].join('/')}${failed ? `  (${failed} not succeeded)` : ''}`,
    );
    return failed === 0;
  } finally {
    await killAndRemove(processes);
  }
}

async function main(): Promise<number> {
  const postgres = await startTestPostgres();
  try {
    console.log(`Postgres queue, scripted builds, ${builds} submitted at once; load average at start ${(await import('node:os')).loadavg()[0]?.toFixed(1)}`);
    console.log('workers | builds |    wall |  builds/hour | latency p50 | latency p95 | builds per worker');
    let ok = true;
    for (const [round, workers] of workerCounts.entries()) ok = (await run(await postgres.createDatabase(`bench_${round}`), workers)) && ok;
    return ok ? 0 : 1;
  } finally {
    await postgres.stop();
  }
}

process.exitCode = await main();
