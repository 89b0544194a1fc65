import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { workerListSchema, workerSchema, type Worker, type WorkerList } from '../../../src/spec/workers-api.ts';
import { actorLabel } from '../../access/principal.ts';
import { workerStatus } from '../../builds/worker-status.ts';
import type { AuditLog } from '../../store/audit-log.ts';
import type { Store } from '../../store/store.ts';
import { HttpError, notFound } from '../http-error.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export interface WorkerRoutesOptions {
  store: Store;
  audit: AuditLog;
}

// a worker id is host/pid/start time: its slashes arrive percent-encoded in the path
const workerParams = z.object({ id: z.string().min(1).max(300) });

const docs = {
  list: {
    summary: 'Workers (every process that runs builds): capacity, the builds each runs, last heartbeat, and active, draining or stale',
    responses: { 200: jsonResponse('Workers, oldest first', workerListSchema) },
  },
  drain: {
    summary: 'Drain a worker: it claims no new build and finishes what it runs (the id percent-encoded)',
    params: workerParams,
    responses: { 200: jsonResponse('The worker, draining', workerSchema), 404: errorResponse('No such worker') },
  },
  resume: {
    summary: 'Undo a drain: the worker claims queued builds again',
    params: workerParams,
    responses: { 200: jsonResponse('The worker, active', workerSchema), 404: errorResponse('No such worker') },
  },
  forget: {
    summary: 'Forget a stale worker (one that died without deregistering); a live one would only register again',
    params: workerParams,
    responses: { 204: { description: 'Forgotten' }, 404: errorResponse('No such worker'), 409: errorResponse('The worker is not stale') },
  },
} satisfies Record<string, RouteDoc>;

/** The worker registry over HTTP: viewers see it; draining and resuming are an admin's, and audited. */
export const workerRoutes: FastifyPluginAsync<WorkerRoutesOptions> = async (app, { store, audit }) => {
  const list = async (): Promise<Worker[]> => {
    return (await store.listWorkers()).map(workerStatus);
  };

  app.get('/api/workers', { config: { role: 'viewer', doc: docs.list } }, async (): Promise<WorkerList> => ({ items: await list() }));

  for (const [action, draining] of [
    ['drain', true],
    ['resume', false],
  ] as const) {
    app.post(`/api/workers/:id/${action}`, { config: { role: 'admin', doc: docs[action] } }, async (request): Promise<Worker> => {
      const { id } = parseOrThrow(workerParams, request.params);
      if (!(await store.setWorkerDraining(id, draining))) throw notFound('worker');
      await audit.record(actorLabel(request.principal), draining ? 'worker.drain' : 'worker.resume', id);
      const worker = (await list()).find((candidate) => candidate.id === id);
      if (!worker) throw notFound('worker');
      return worker;
    });
  }

  app.delete('/api/workers/:id', { config: { role: 'admin', doc: docs.forget } }, async (request, reply) => {
    const { id } = parseOrThrow(workerParams, request.params);
    const worker = (await list()).find((candidate) => candidate.id === id);
    if (!worker) throw notFound('worker');
    if (worker.state !== 'stale') throw new HttpError(409, 'worker_alive', `worker ${id} is ${worker.state}: only a stale worker can be forgotten`);
    await store.deregisterWorker(id);
    await audit.record(actorLabel(request.principal), 'worker.forget', id);
    return reply.code(204).send();
  });
};
