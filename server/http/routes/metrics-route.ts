import type { FastifyPluginAsync } from 'fastify';
import { buildStates } from '../../../src/spec/build-events.ts';
import { freeBytes } from '../../builds/disk-space.ts';
import { workerStatus } from '../../builds/worker-status.ts';
import type { Worker } from '../../../src/spec/workers-api.ts';
import type { Store } from '../../store/store.ts';
import { textResponse } from '../route-docs.ts';

export interface MetricsOptions {
  store: Store;
  dataDir: string;
  runningHere: () => number;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Prometheus text exposition; read from the database so workers' builds count too. */
export const metricsRoute: FastifyPluginAsync<MetricsOptions> = async (app, { store, dataDir, runningHere }) => {
  app.get(
    '/metrics',
    { config: { role: 'viewer', doc: { summary: 'Prometheus metrics', responses: { 200: textResponse('Prometheus text exposition format') } } } },
    async (_request, reply) => {
      const counts = new Map((await store.countsByState()).map((row) => [row.state, row.n]));
      const lines = ['# HELP stamper_builds Builds by state.', '# TYPE stamper_builds gauge'];
      for (const state of buildStates) lines.push(`stamper_builds{state="${state}"} ${counts.get(state) ?? 0}`);

      lines.push('# HELP stamper_stage_duration_seconds Duration of succeeded stages.', '# TYPE stamper_stage_duration_seconds summary');
      for (const stage of await store.stageDurations()) {
        const label = `stage="${escapeLabel(stage.name)}"`;
        lines.push(`stamper_stage_duration_seconds_sum{${label}} ${stage.sumMs / 1000}`, `stamper_stage_duration_seconds_count{${label}} ${stage.count}`);
      }
      lines.push(
        '# HELP stamper_queue_length Builds waiting to run.',
        '# TYPE stamper_queue_length gauge',
        `stamper_queue_length ${await store.queueLength()}`,
      );
      lines.push(
        '# HELP stamper_running_builds Builds this process runs now.',
        '# TYPE stamper_running_builds gauge',
        `stamper_running_builds ${runningHere()}`,
      );
      lines.push(...(await workerLines(store)));
      lines.push(
        "# HELP stamper_disk_free_bytes Free bytes on the data directory's file system.",
        '# TYPE stamper_disk_free_bytes gauge',
        `stamper_disk_free_bytes ${await freeBytes(dataDir)}`,
      );
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(`${lines.join('\n')}\n`);
    },
  );
};

/** Per-worker gauges from the registry, so one scrape of any API process sees every worker. */
async function workerLines(store: Store): Promise<string[]> {
  const workers = (await store.listWorkers()).map(workerStatus);
  const gauges = [
    ['stamper_worker_capacity', 'Builds a worker runs at once.', (w: Worker) => w.capacity],
    ['stamper_worker_running_builds', 'Builds a worker runs now.', (w: Worker) => w.running.length],
    ['stamper_worker_heartbeat_age_seconds', "Seconds since a worker's last heartbeat.", (w: Worker) => w.secondsSinceHeartbeat],
    ['stamper_worker_draining', '1 while a worker is drained (claims nothing new).', (w: Worker) => (w.draining ? 1 : 0)],
    ['stamper_worker_stale', '1 when a worker missed several heartbeats.', (w: Worker) => (w.state === 'stale' ? 1 : 0)],
  ] as const;
  const lines: string[] = [];
  for (const [name, help, value] of gauges) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const worker of workers) lines.push(`${name}{worker="${escapeLabel(worker.id)}",host="${escapeLabel(worker.host)}"} ${value(worker)}`);
  }
  return lines;
}
