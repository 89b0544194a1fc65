import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema } from '../../src/spec/build-api.ts';
import type { BuildEvent } from '../../src/spec/build-events.ts';
import { openSse } from '../http/sse-client.ts';
import { isAlive } from './process-tree.ts';
import { scenarioSpec } from './test-builds.ts';

const tsxLoader = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const serveScript = path.join(import.meta.dirname, 'test-fixtures', 'serve-scripted.ts');

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
