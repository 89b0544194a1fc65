import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMountTmpfs, fillUp, mountTmpfs, unmount } from '../testing/test-full-disk.ts';

const main = path.join(import.meta.dirname, '..', 'main.ts');
const port = Number(process.env.STAMPER_E2E_PORT ?? 4321);
const base = `http://127.0.0.1:${port}`;

async function waitForHealth(child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not answer');
}

// `stamper serve > log` with the log's disk full: a real tmpfs.
describe.skipIf(!canMountTmpfs)('stamper serve with its log on a full disk', () => {
  const logDir = mkdtempSync(path.join(tmpdir(), 'stamper-log-'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-log-data-'));
  const logFile = path.join(logDir, 'serve.log');
  const filler = path.join(logDir, 'filler');
  let child: ChildProcess;
  let stderr = '';

  beforeAll(() => {
    mountTmpfs(logDir, '256k');
    const log = openSync(logFile, 'w');
    fillUp(filler);
    child = spawn(process.execPath, ['--import', 'tsx', main, 'serve', '--port', String(port), '--data-dir', dataDir], {
      env: { ...process.env, STAMPER_HOST: '', STAMPER_TOKEN: '' },
      stdio: ['ignore', log, 'pipe'],
    });
    closeSync(log);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
    unmount(logDir);
    rmSync(logDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps answering without delay while no log line fits, and reports the dropped lines once one does', async () => {
    await waitForHealth(child);
    const started = Date.now();
    for (let i = 0; i < 50; i += 1) {
      const response = await fetch(`${base}/api/catalog`, { signal: AbortSignal.timeout(2000) });
      expect(response.status).toBe(200);
    }
    const invalid = await fetch(`${base}/api/builds`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: 'kind: nope',
      signal: AbortSignal.timeout(2000),
    });
    expect(invalid.status).toBe(422);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(child.exitCode, stderr).toBeNull();
    expect(readFileSync(logFile, 'utf8')).toBe('');

    rmSync(filler);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(readFileSync(logFile, 'utf8')).toMatch(/"msg":"\d+ log lines dropped: ENOSPC"/);
  });
});
