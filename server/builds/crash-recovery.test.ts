import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema } from '../../src/spec/build-api.ts';
import type { BuildEvent } from '../../src/spec/build-events.ts';
import { openSse } from '../testing/sse-client.ts';
import { findBuildProcesses, isAlive } from './process-tree.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { mountsUnder } from './work-dir-mounts.ts';

const tsxLoader = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const serveScript = path.join(import.meta.dirname, '..', 'testing', 'serve-scripted.ts');

/** A real `serve` process (scripted runner) on a free port. */
async function startServerProcess(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, serveScript, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  for await (const line of lines) {
    const { port } = JSON.parse(line) as { port: number };
    return { child, base: `http://127.0.0.1:${port}` };
  }
  throw new Error('server did not start');
}

async function api<T>(base: string, pathname: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${base}${pathname}`, init);
  return (await response.json()) as T;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('kill -9 of the server during a build', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-crash-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('marks the build interrupted, keeps its events, kills leftovers, and builds again', async () => {
    const first = await startServerProcess(dataDir);
    children.push(first.child);
    const created = createBuildResponseSchema.parse(
      await api(first.base, '/api/builds', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: scenarioSpec('hang', 90) }),
    );
    const id = created.build.id;
    const stream = await openSse(`${first.base}/api/builds/${id}/events`);
    await waitUntil(() => stream.messages.some((m) => m.data.includes('tick 5')));
    const pidsLine = stream.messages.map((m) => JSON.parse(m.data) as BuildEvent).find((e) => e.type === 'log' && e.line.startsWith('pids '));
    const pids = pidsLine?.type === 'log' ? pidsLine.line.split(' ').slice(1).map(Number) : [];
    expect(pids).toHaveLength(3);
    expect(pids.every(isAlive)).toBe(true);

    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    await stream.ended;
    const seenBeforeKill = stream.messages.map((m) => JSON.parse(m.data) as BuildEvent);

    const second = await startServerProcess(dataDir);
    children.push(second.child);
    const detail = buildDetailSchema.parse(await api(second.base, `/api/builds/${id}`));
    expect(detail.state).toBe('interrupted');

    // Every event streamed before the kill is stored unchanged, then the reason comes last.
    const replay = await openSse(`${second.base}/api/builds/${id}/events`);
    await replay.ended;
    const stored = replay.messages.map((m) => JSON.parse(m.data) as BuildEvent);
    expect(stored.slice(0, seenBeforeKill.length)).toEqual(seenBeforeKill);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.at(-1)).toMatchObject({ type: 'state', state: 'interrupted', reason: expect.stringContaining('stopped unexpectedly') });

    // The build process and both sleeps (one in a session of its own) are gone.
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 5000);

    const next = createBuildResponseSchema.parse(
      await api(second.base, '/api/builds', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: scenarioSpec('quick', 91) }),
    );
    await waitUntil(async () => buildDetailSchema.parse(await api(second.base, `/api/builds/${next.build.id}`)).state === 'succeeded');

    // Retry of the interrupted build is a new build that runs.
    const retry = createBuildResponseSchema.parse(await api(second.base, `/api/builds/${id}/retry`, { method: 'POST' }));
    expect(retry.build.id).not.toBe(id);
    second.child.kill('SIGTERM');
    await new Promise((resolve) => second.child.once('exit', resolve));
  });
});

/** Starts a build of `scenario` on a server process and returns its id and the pids it reported. */
async function startBuild(base: string, scenario: string, size: number) {
  const created = createBuildResponseSchema.parse(
    await api(base, '/api/builds', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: scenarioSpec(scenario, size) }),
  );
  const id = created.build.id;
  const stream = await openSse(`${base}/api/builds/${id}/events`);
  await waitUntil(() => stream.messages.some((m) => m.data.includes('tick 3')));
  const pidsLine = stream.messages.map((m) => JSON.parse(m.data) as BuildEvent).find((e) => e.type === 'log' && e.line.startsWith('pids '));
  const pids = pidsLine?.type === 'log' ? pidsLine.line.split(' ').slice(1).map(Number) : [];
  expect(pids).toHaveLength(3);
  return { id, pids };
}

async function expectRecovered(base: string, id: string) {
  const detail = buildDetailSchema.parse(await api(base, `/api/builds/${id}`));
  expect(detail.state).toBe('interrupted');
  expect(detail.error).toContain('stopped unexpectedly');
  const next = createBuildResponseSchema.parse(
    await api(base, '/api/builds', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: scenarioSpec('quick', 99) }),
  );
  await waitUntil(async () => buildDetailSchema.parse(await api(base, `/api/builds/${next.build.id}`)).state === 'succeeded');
}

const killed = (child: ChildProcess) =>
  new Promise((resolve) => (child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(null)));

// The scripted build mounts a tmpfs and a bind mount of <data dir>/outside like mmdebstrap in root mode, so these need root.
describe.runIf(process.getuid?.() === 0)('kill -9 of the server while the build has mounts in its tree', () => {
  const children: ChildProcess[] = [];
  const dataDirs: string[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const dir of dataDirs) {
      for (const point of await mountsUnder(dir)) execFileSync('umount', ['--lazy', point]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  function newDataDir(): string {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-crash-mounts-'));
    dataDirs.push(dataDir);
    mkdirSync(path.join(dataDir, 'outside'));
    writeFileSync(path.join(dataDir, 'outside', 'host-file'), 'must survive');
    return dataDir;
  }

  it('the orphaned build process ends its tools and unmounts, with no restart needed', async () => {
    const dataDir = newDataDir();
    const first = await startServerProcess(dataDir);
    children.push(first.child);
    const { id, pids } = await startBuild(first.base, 'mounts', 92);
    expect(await mountsUnder(dataDir)).toHaveLength(3);

    first.child.kill('SIGKILL');
    await killed(first.child);
    // Nobody restarts the server: the build process itself must notice and clean up.
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 10_000);
    expect(findBuildProcesses(id)).toEqual([]);
    await waitUntil(async () => (await mountsUnder(dataDir)).length === 0, 5000);
    expect(readFileSync(path.join(dataDir, 'outside', 'host-file'), 'utf8')).toBe('must survive');

    const second = await startServerProcess(dataDir);
    children.push(second.child);
    await expectRecovered(second.base, id);
    second.child.kill('SIGTERM');
    await killed(second.child);
  });

  it('starts again after a kill of server and build process left mounts behind', async () => {
    const dataDir = newDataDir();
    const first = await startServerProcess(dataDir);
    children.push(first.child);
    const { id, pids } = await startBuild(first.base, 'mounts', 93);
    // Both at once, as a host's OOM killer or a kill of the whole session would: nothing cleans up.
    first.child.kill('SIGKILL');
    process.kill(pids[0] ?? -1, 'SIGKILL');
    await killed(first.child);
    await waitUntil(() => !isAlive(pids[0] ?? -1), 5000);
    expect(await mountsUnder(dataDir)).toHaveLength(3);

    const second = await startServerProcess(dataDir);
    children.push(second.child);
    expect(await mountsUnder(dataDir)).toEqual([]);
    expect(readFileSync(path.join(dataDir, 'outside', 'host-file'), 'utf8')).toBe('must survive');
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 5000);
    await expectRecovered(second.base, id);
    second.child.kill('SIGTERM');
    await killed(second.child);
  });
});
