import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildResponseSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import { loadServerConfig } from '../config/server-config.ts';
import { type KubernetesAptRepo, startKubernetesAptRepo } from '../stand-in/kubernetes-apt-repo.ts';
import { startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { realBuildSpec } from '../testing/real-build-spec.ts';
import { artifactFiles, buildThrough, untilBuild } from '../testing/scripted-fleet.ts';
import { startTestS3, testS3Credentials, type TestS3 } from '../testing/test-s3.ts';
import { startServer, type RunningServer } from './start-server.ts';

const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
const cacheDir = process.env.STAMPER_CACHE_DIR ?? '/var/cache/stamper-test';
const tsx = path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs');
const main = path.join(import.meta.dirname, '..', 'main.ts');

/**
 * The scale-out path with the real pipeline: an API-only server and a real `stamper worker`
 * process (rootless, its own data directory) sharing only a real Postgres and a real S3
 * server. The worker builds a cheap real image (raw disk, no boot), uploads it, and the API
 * serves it from the bucket. The base-tree cache is the slow suite's, so the build is warm.
 */
describe('a real build on the scale-out path (Postgres queue, worker process, S3 artifacts)', () => {
  const apiDir = mkdtempSync(path.join(tmpdir(), 'stamper-scale-api-'));
  const workerDir = mkdtempSync(path.join(tmpdir(), 'stamper-scale-worker-'));
  let postgres: TestPostgres;
  let s3: TestS3;
  let repo: KubernetesAptRepo;
  let api: RunningServer;
  let worker: ChildProcess;
  let build: BuildDetail;

  beforeAll(async () => {
    [postgres, s3, repo] = await Promise.all([
      startTestPostgres(),
      startTestS3('stamper-scale'),
      startKubernetesAptRepo(path.join(SLOW_ROOT, 'k8s-repo'), [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]),
    ]);
    const env = { STAMPER_DATABASE_URL: await postgres.createDatabase('scale'), ...s3.env('real'), STAMPER_ALLOW_LOOPBACK_SOURCES: '1' };
    // the API runs in this process: the SDK's provider chain finds the bucket's credentials here, as on a real host
    process.env.AWS_ACCESS_KEY_ID = testS3Credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = testS3Credentials.secretAccessKey;
    api = await startServer(loadServerConfig(['--port', '0', '--data-dir', apiDir, '--concurrency', '0'], env));
    worker = spawn(process.execPath, ['--import', tsx, main, 'worker', '--data-dir', workerDir, '--cache-dir', cacheDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    const lines = createInterface({ input: worker.stdout ?? process.stdin });
    lines.on('line', (line) => process.stdout.write(`worker: ${line}\n`));
    const response = await fetch(`${api.url}/api/builds`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: realBuildSpec('scale-out', repo.url, { verify: false }),
    });
    expect(response.status).toBe(201);
    const { build: created } = createBuildResponseSchema.parse(await response.json());
    build = await untilBuild({ base: api.url }, created.id, (b) => b.state !== 'queued' && b.state !== 'running', 15 * 60_000);
  }, 16 * 60_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await api?.close();
    await Promise.all([postgres?.stop(), s3?.stop(), repo?.close()]);
    rmSync(apiDir, { recursive: true, force: true });
    rmSync(workerDir, { recursive: true, force: true });
  });

  it('is built by the worker process, not the API process', () => {
    if (build.state !== 'succeeded') throw new Error(`build ${build.state}: ${build.error}`);
    expect(Number(build.worker?.split('/')[1])).toBe(worker.pid);
  });

  it('serves the real disk from the bucket: whole (its SHA-256 matches) and by Range (the MBR signature)', async () => {
    const raw = build.artifacts.find((a) => a.format === 'raw');
    if (!raw) throw new Error('no raw disk was recorded');
    expect(await s3.keys(`real/${build.id}/`)).toEqual(expect.arrayContaining([`real/${build.id}/${raw.name}`, `real/${build.id}/SHA256SUMS.sig`]));
    const ranged = await fetch(`${api.url}${raw.url}`, { headers: { range: 'bytes=510-511' } });
    expect(ranged.status).toBe(206);
    expect([...new Uint8Array(await ranged.arrayBuffer())]).toEqual([0x55, 0xaa]);
    const whole = await fetch(`${api.url}${raw.url}`);
    const hash = createHash('sha256');
    for await (const chunk of whole.body ?? []) hash.update(chunk);
    expect(hash.digest('hex')).toBe(raw.sha256);
    // nothing of it on either process's disk: the download came from the bucket
    expect([...artifactFiles(apiDir), ...artifactFiles(workerDir)]).toEqual([]);
    expect((await buildThrough({ base: api.url }, build.id)).state).toBe('succeeded');
  });
});
