import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../src/spec/build-events.ts';
import { openSse } from '../testing/sse-client.ts';
import { startServer, type RunningServer } from '../http/start-server.ts';
import { injectLocal, testConfig } from '../testing/test-app.ts';
import { isAlive } from './process-tree.ts';
import { getBuild, postBuild, scenarioSpec, waitForLog, waitForState } from '../testing/test-builds.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { mountsUnder } from './work-dir-mounts.ts';

const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const workerScript = path.join(import.meta.dirname, '..', 'testing', 'worker-scripted.ts');

async function startWorker(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', tsx, workerScript, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout ?? process.stdin })) if (line === 'ready') return child;
  throw new Error('worker did not start');
}

describe('an API-only server with a worker process on the same data dir', () => {
  const config = testConfig({ port: 0, concurrency: 0, buildsPerMinute: 1000, preflight: false }); // the scripted runner fetches nothing
  let server: RunningServer;
  let worker: ChildProcess;
  beforeAll(async () => {
    server = await startServer(config, { runner: scriptedRunner(), pollMs: 100 });
    worker = await startWorker(config.dataDir);
  });
  afterAll(async () => {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await server.close();
    config.cleanup();
  });

  it('streams, over the API, the events a worker writes', async () => {
    const { body } = await postBuild(server.app, scenarioSpec('stream', 130));
    const id = body?.build.id ?? '';
    const stream = await openSse(`http://127.0.0.1:${server.port}/api/builds/${id}/events`);
    await stream.ended;
    const events = stream.messages.map((m) => JSON.parse(m.data) as BuildEvent);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'succeeded' });
    expect(server.system.executor.runningCount()).toBe(0);
    expect((await getBuild(server.app, id)).artifacts).toHaveLength(2);
  });

  it('cancels a build the worker runs', async () => {
    const { body } = await postBuild(server.app, scenarioSpec('hang', 131));
    const id = body?.build.id ?? '';
    const pids = (await waitForLog(server.app, id, /pids (\d+) (\d+) (\d+)/)).slice(1, 4).map(Number);
    await injectLocal(server.app, { method: 'POST', url: `/api/builds/${id}/cancel` });
    expect((await waitForState(server.app, id, ['canceled', 'failed', 'succeeded'])).state).toBe('canceled');
    expect(pids.filter(isAlive)).toEqual([]);
  });

  // Root only: the scripted build mounts like mmdebstrap in root mode, binding <data dir>/outside into its tree.
  it.runIf(process.getuid?.() === 0)('keeps serving and recovers when a killed worker and its build left mounts behind', async () => {
    const outside = path.join(config.dataDir, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(path.join(outside, 'host-file'), 'must survive');
    const { body } = await postBuild(server.app, scenarioSpec('mounts', 133));
    const id = body?.build.id ?? '';
    const pids = (await waitForLog(server.app, id, /pids (\d+) (\d+) (\d+)/)).slice(1, 4).map(Number);
    expect(await mountsUnder(config.dataDir)).toHaveLength(3);
    // Worker and build process at once, so nothing but the server's recovery can clean up.
    worker.kill('SIGKILL');
    process.kill(pids[0] ?? -1, 'SIGKILL');
    const build = await waitForState(server.app, id, ['interrupted', 'failed', 'canceled', 'succeeded']);
    expect(build.state).toBe('interrupted');
    expect(build.error).toContain('stopped unexpectedly');
    expect(await mountsUnder(config.dataDir)).toEqual([]);
    expect(readFileSync(path.join(outside, 'host-file'), 'utf8')).toBe('must survive');
    expect(pids.filter(isAlive)).toEqual([]);
    // The server is still up and builds again, with a new worker.
    worker = await startWorker(config.dataDir);
    const next = await postBuild(server.app, scenarioSpec('quick', 134));
    expect((await waitForState(server.app, next.body?.build.id ?? '', ['succeeded', 'failed'])).state).toBe('succeeded');
  });

  it('recovers the build of a worker that was killed', async () => {
    const { body } = await postBuild(server.app, scenarioSpec('hang', 132));
    const id = body?.build.id ?? '';
    const pids = (await waitForLog(server.app, id, /pids (\d+) (\d+) (\d+)/)).slice(1, 4).map(Number);
    worker.kill('SIGKILL');
    const build = await waitForState(server.app, id, ['interrupted', 'failed', 'canceled', 'succeeded']);
    expect(build.state).toBe('interrupted');
    const deadline = Date.now() + 5000;
    while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pids.filter(isAlive)).toEqual([]);
  });
});
