import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import { type KubernetesAptRepo, startKubernetesAptRepo } from '../stand-in/kubernetes-apt-repo.ts';
import { findBuildProcesses } from './process-tree.ts';
import { realBuildSpec } from '../testing/real-build-spec.ts';
import { mountsUnder } from './work-dir-mounts.ts';

/**
 * kill -9 of a real `stamper serve` while its build runs real tools: once during rootfs
 * (mmdebstrap has mounted inside the tree) and once during verify (QEMU boots the image).
 * Each time: the orphaned build ends its tools and mounts by itself, the server starts
 * again, the build is interrupted with its reason on record, and its retry builds.
 * An empty cache dir of its own makes the first build run mmdebstrap; the retry caches
 * the base tree, so the second retry gets to QEMU quickly.
 */
const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
const tsxLoader = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const mainScript = path.join(import.meta.dirname, '..', 'main.ts');

async function startServe(dataDir: string, cacheDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainScript, 'serve', '--port', '0', '--data-dir', dataDir, '--cache-dir', cacheDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: child.stdout ?? process.stdin })) {
    const listening = /listening on (http\S+)/.exec(line);
    if (listening?.[1]) {
      child.stdout?.resume();
      return { child, base: listening[1] };
    }
  }
  throw new Error(`stamper serve did not start (exit ${child.exitCode})`);
}

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const getBuild = async (base: string, id: string): Promise<BuildDetail> => buildDetailSchema.parse(await (await fetch(`${base}/api/builds/${id}`)).json());

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

async function killServer(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
}

describe('kill -9 of the server during a real build', () => {
  const dataDir = mkdtempSync(path.join(SLOW_ROOT, 'kill-data-'));
  const cacheDir = mkdtempSync(path.join(SLOW_ROOT, 'kill-cache-'));
  const servers: ChildProcess[] = [];
  let repo: KubernetesAptRepo;
  let server: { child: ChildProcess; base: string };
  let buildId: string;

  beforeAll(async () => {
    repo = await startKubernetesAptRepo(path.join(SLOW_ROOT, 'k8s-repo'), [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]);
    server = await startServe(dataDir, cacheDir);
    servers.push(server.child);
  });
  afterAll(async () => {
    for (const child of servers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await repo?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** After the kill: nothing of the build runs or stays mounted, and a new server records it as interrupted. */
  async function expectCleanAfterKill(id: string): Promise<void> {
    await waitUntil('the build processes to end', () => findBuildProcesses(id).length === 0, 20_000);
    await waitUntil('the mounts to go', async () => (await mountsUnder(dataDir)).length === 0, 10_000);
    server = await startServe(dataDir, cacheDir);
    servers.push(server.child);
    const build = await getBuild(server.base, id);
    expect(build.state).toBe('interrupted');
    expect(build.error).toContain('stopped unexpectedly');
    expect(await mountsUnder(dataDir)).toEqual([]);
  }

  async function retry(id: string): Promise<string> {
    const response = await fetch(`${server.base}/api/builds/${id}/retry`, { method: 'POST' });
    return createBuildResponseSchema.parse(await response.json()).build.id;
  }

  it('in rootfs, once mmdebstrap has mounted inside the tree', async () => {
    const spec = realBuildSpec('kill-test', repo.url, { verify: true });
    const response = await fetch(`${server.base}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: spec });
    buildId = createBuildResponseSchema.parse(await response.json()).build.id;
    const workDir = path.join(dataDir, 'work', buildId);
    const started = Date.now();
    // A build in a user namespace mounts where we cannot see it: there, mmdebstrap's chroot phase is the moment.
    await waitUntil(
      'a mount in the build tree',
      async () => (await mountsUnder(workDir)).length > 0 || findBuildProcesses(buildId).some((pid) => commandOf(pid) === 'dpkg'),
      10 * 60_000,
    );
    process.stdout.write(`rootfs kill after ${Math.round((Date.now() - started) / 1000)} s with ${(await mountsUnder(workDir)).length} mounts in the tree\n`);
    await killServer(server.child);
    await expectCleanAfterKill(buildId);
  });

  it('in verify, once QEMU boots the image; the retry after that builds again', async () => {
    const retried = await retry(buildId);
    const started = Date.now();
    await waitUntil('QEMU to run', () => findBuildProcesses(retried).some((pid) => commandOf(pid).startsWith('qemu-system')), 15 * 60_000);
    process.stdout.write(`verify kill after ${Math.round((Date.now() - started) / 1000)} s\n`);
    const before = await getBuild(server.base, retried);
    // The retry built everything up to the boot check: a resubmission after the rootfs kill builds.
    expect(before.stages.filter((s) => s.status === 'succeeded').map((s) => s.name)).toEqual(
      expect.arrayContaining(['rootfs', 'kubernetes', 'configure', 'disk']),
    );
    await killServer(server.child);
    await expectCleanAfterKill(retried);

    // And once more after the verify kill: it runs again from the cached base tree.
    const again = await retry(retried);
    await waitUntil(
      'the second retry to pass rootfs',
      async () => (await getBuild(server.base, again)).stages.find((s) => s.name === 'rootfs')?.status === 'succeeded',
      5 * 60_000,
    );
    await fetch(`${server.base}/api/builds/${again}/cancel`, { method: 'POST' });
    await waitUntil('the cancel', async () => (await getBuild(server.base, again)).state === 'canceled', 30_000);
  });
});
