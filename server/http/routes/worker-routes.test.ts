import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, createdAccessTokenSchema } from '../../../src/spec/access-api.ts';
import { buildDetailSchema, createBuildResponseSchema } from '../../../src/spec/build-api.ts';
import type { BuildState } from '../../../src/spec/build-events.ts';
import { workerListSchema, workerSchema, type Worker } from '../../../src/spec/workers-api.ts';
import { scenarioSpec, scriptedApp } from '../../testing/test-builds.ts';
import { scriptedRunner } from '../../testing/scripted-runner.ts';
import { injectLocal, testConfig } from '../../testing/test-app.ts';
import { SqliteStore } from '../../store/sqlite-store.ts';
import { startServer, type RunningServer } from '../start-server.ts';
import { waitFor } from '../../testing/wait-for.ts';

const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const workerScript = path.join(import.meta.dirname, '..', '..', 'testing', 'worker-scripted.ts');
const adminToken = 'the-admin-token-of-the-workers-test';
const HEARTBEAT_SECONDS = 0.2;

/** A real `stamper worker` (scripted builds) on the server's data dir, heartbeating every 0.2 s. */
async function startWorker(dataDir: string, concurrency: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', tsx, workerScript, '--data-dir', dataDir, '--concurrency', String(concurrency)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, STAMPER_WORKER_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS) },
  });
  for await (const line of createInterface({ input: child.stdout ?? process.stdin })) if (line === 'ready') return child;
  throw new Error('worker did not start');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the workers API, with real worker processes on one data dir', () => {
  // API only: the server runs no builds, so it is no worker and every build below is a worker's
  const config = testConfig({ port: 0, concurrency: 0, buildsPerMinute: 10_000, preflight: false }, { STAMPER_TOKEN: adminToken });
  let server: RunningServer;
  let viewerToken = '';
  const workers: ChildProcess[] = [];

  const call = async (options: InjectOptions & { token?: string }) => {
    const { token, ...rest } = options;
    return server.app.inject({ ...rest, headers: { host: `127.0.0.1:${server.port}`, authorization: `Bearer ${token ?? adminToken}`, ...rest.headers } });
  };
  const list = async (token?: string): Promise<Worker[]> => {
    const response = await call({ url: '/api/workers', token });
    expect(response.statusCode).toBe(200);
    return workerListSchema.parse(response.json()).items;
  };
  const workerOf = async (child: ChildProcess) => (await list()).find((w) => w.pid === child.pid);
  const submit = async (scenario: string, sizeGiB: number) => {
    const response = await call({
      method: 'POST',
      url: '/api/builds',
      headers: { 'content-type': 'application/yaml' },
      payload: scenarioSpec(scenario, sizeGiB),
    });
    expect(response.statusCode).toBeLessThan(300);
    return createBuildResponseSchema.parse(response.json()).build.id;
  };
  const stateOf = async (id: string): Promise<BuildState> => buildDetailSchema.parse((await call({ url: `/api/builds/${id}` })).json()).state;
  const reachState = (id: string, state: BuildState) => waitFor(`${id} ${state}`, async () => ((await stateOf(id)) === state ? state : undefined));
  const drainUrl = (id: string, action: 'drain' | 'resume') => `/api/workers/${encodeURIComponent(id)}/${action}`;

  beforeAll(async () => {
    server = await startServer(config, { runner: scriptedRunner(), pollMs: 100 });
    const created = await call({ method: 'POST', url: '/api/tokens', payload: { name: 'watcher', role: 'viewer' } });
    viewerToken = createdAccessTokenSchema.parse(created.json()).token;
  });
  afterAll(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server.close();
    config.cleanup();
  });

  it('lists each worker process with its host, pid, capacity and a heartbeat that moves; the API-only server is none', async () => {
    expect(await list(viewerToken)).toEqual([]);
    const child = await startWorker(config.dataDir, 2);
    workers.push(child);
    const first = await waitFor('the worker listed', () => workerOf(child));
    expect(first).toMatchObject({ host: hostname(), capacity: 2, running: [], state: 'active', draining: false, heartbeatSeconds: HEARTBEAT_SECONDS });
    expect(first.id).toMatch(new RegExp(`^${hostname()}/${child.pid}/`));
    await waitFor('a later heartbeat', async () => {
      const now = await workerOf(child);
      return now && Date.parse(now.lastHeartbeatAt) > Date.parse(first.lastHeartbeatAt) ? now : undefined;
    });
  });

  it('drains a worker: it finishes what it runs, claims nothing while builds wait, and builds them once resumed', async () => {
    const child = workers[0];
    if (!child) throw new Error('no worker from the test before');
    const worker = await waitFor('the worker', () => workerOf(child));
    const long = await submit('stream', 140);
    await reachState(long, 'running');
    expect((await workerOf(child))?.running).toEqual([long]);

    expect((await call({ method: 'POST', url: drainUrl(worker.id, 'drain'), token: viewerToken })).statusCode).toBe(403);
    const drained = await call({ method: 'POST', url: drainUrl(worker.id, 'drain') });
    expect(drained.statusCode).toBe(200);
    expect(workerSchema.parse(drained.json())).toMatchObject({ id: worker.id, draining: true, state: 'draining', running: [long] });

    const waiting = [await submit('quick', 141), await submit('quick', 142)];
    await reachState(long, 'succeeded');
    // ten of the worker's polls (and heartbeats) with free capacity and work queued
    await sleep(1000);
    expect(await Promise.all(waiting.map(stateOf))).toEqual(['queued', 'queued']);
    expect(await workerOf(child)).toMatchObject({ state: 'draining', running: [] });
    const metrics = (await call({ url: '/metrics', token: viewerToken })).body;
    const label = `worker="${worker.id}",host="${hostname()}"`;
    expect(metrics).toContain(`stamper_worker_draining{${label}} 1`);
    expect(metrics).toContain(`stamper_worker_capacity{${label}} 2`);
    expect(metrics).toContain(`stamper_worker_running_builds{${label}} 0`);
    expect(metrics).toMatch(new RegExp(`stamper_worker_heartbeat_age_seconds\\{${label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\} [0-9.]+\\n`));

    const resumed = await call({ method: 'POST', url: drainUrl(worker.id, 'resume') });
    expect(workerSchema.parse(resumed.json())).toMatchObject({ draining: false, state: 'active' });
    for (const id of waiting) await reachState(id, 'succeeded');

    const audit = auditPageSchema.parse((await call({ url: '/api/audit' })).json());
    expect(audit.items.filter((entry) => entry.target === worker.id).map((entry) => entry.action)).toEqual(['worker.resume', 'worker.drain']);
  });

  it('shows a worker killed with kill -9 as stale, forgets one that shut down cleanly, answers 404 for an unknown one, and lets an admin forget a stale one', async () => {
    const clean = workers[0];
    if (!clean) throw new Error('no worker from the test before');
    const killed = await startWorker(config.dataDir, 1);
    workers.push(killed);
    await waitFor('the second worker', () => workerOf(killed));
    killed.kill('SIGKILL');
    const stale = await waitFor('the killed worker stale', async () => {
      const found = await workerOf(killed);
      return found?.state === 'stale' ? found : undefined;
    });
    expect(stale.secondsSinceHeartbeat).toBeGreaterThan(3 * HEARTBEAT_SECONDS);
    expect((await call({ url: '/metrics' })).body).toContain(`stamper_worker_stale{worker="${stale.id}",host="${hostname()}"} 1`);

    const cleanId = (await workerOf(clean))?.id;
    // only a stale worker can be forgotten: a live one would register again at its next heartbeat
    expect((await call({ method: 'DELETE', url: `/api/workers/${encodeURIComponent(cleanId ?? '')}` })).statusCode).toBe(409);
    clean.kill('SIGTERM');
    await new Promise((resolve) => clean.once('exit', resolve));
    expect((await list()).map((w) => w.id)).toEqual([stale.id]);
    expect(cleanId).toBeDefined();
    expect((await call({ method: 'POST', url: drainUrl(cleanId ?? '', 'drain') })).statusCode).toBe(404);
    const forget = `/api/workers/${encodeURIComponent(stale.id)}`;
    expect((await call({ method: 'DELETE', url: forget, token: viewerToken })).statusCode).toBe(403);
    expect((await call({ method: 'DELETE', url: forget })).statusCode).toBe(204);
    expect(await list()).toEqual([]);
    const audit = auditPageSchema.parse((await call({ url: '/api/audit?action=worker.forget' })).json());
    expect(audit.items.map((entry) => entry.target)).toEqual([stale.id]);
  });
});

describe('a server that runs builds itself', () => {
  it('is a worker of its own concurrency while it runs, and deregisters when it stops', async () => {
    const { app, config, close } = await scriptedApp({ concurrency: 2 });
    try {
      const items = workerListSchema.parse((await injectLocal(app, { url: '/api/workers' })).json()).items;
      expect(items).toMatchObject([{ pid: process.pid, host: hostname(), capacity: 2, state: 'active' }]);
      await app.close();
      const store = SqliteStore.open(config.dataDir);
      expect(await store.listWorkers()).toEqual([]);
      await store.close();
    } finally {
      await close();
    }
  });
});
