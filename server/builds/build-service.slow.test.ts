import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema, sbomPackageSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import { TEST_IMAGE_NOTICE, type BuildEvent } from '../../src/spec/build-events.ts';
import { loadServerConfig } from '../config/server-config.ts';
import { openSse } from '../testing/sse-client.ts';
import { startServer, type RunningServer } from '../http/start-server.ts';
import { type KubernetesAptRepo, startKubernetesAptRepo } from '../stand-in/kubernetes-apt-repo.ts';
import { findBuildProcesses } from './process-tree.ts';
import { realBuildSpec } from '../testing/real-build-spec.ts';

/**
 * The real pipeline through the real API: one cheap build (raw disk only, no boot),
 * followed over SSE, then signed outputs, SBOM rows and a ranged download checked.
 * Kubernetes comes from the pipeline suite's signed apt repository on loopback.
 */
const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
const cacheDir = process.env.STAMPER_CACHE_DIR ?? '/var/cache/stamper-test';

describe('a real build through the API', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stamper-api-slow-'));
  let repo: KubernetesAptRepo;
  let server: RunningServer;
  let build: BuildDetail;
  let events: BuildEvent[];

  beforeAll(async () => {
    repo = await startKubernetesAptRepo(path.join(SLOW_ROOT, 'k8s-repo'), [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]);
    server = await startServer(loadServerConfig(['--port', '0', '--data-dir', dataDir, '--cache-dir', cacheDir], { STAMPER_ALLOW_LOOPBACK_SOURCES: '1' }));
    const spec = realBuildSpec('api-slow', repo.url, { verify: false });
    const response = await fetch(`${server.url}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: spec });
    expect(response.status).toBe(201);
    const { build: created } = createBuildResponseSchema.parse(await response.json());
    const stream = await openSse(`${server.url}/api/builds/${created.id}/events`);
    await stream.ended;
    events = stream.messages.map((m) => JSON.parse(m.data) as BuildEvent);
    build = buildDetailSchema.parse(await (await fetch(`${server.url}/api/builds/${created.id}`)).json());
  });

  afterAll(async () => {
    await server?.close();
    await repo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('succeeds and streams every event once, ending with the final state', () => {
    if (build.state !== 'succeeded')
      throw new Error(
        `build ${build.state}: ${build.error}\n${events
          .filter((e) => e.type === 'log')
          .slice(-30)
          .map((e) => (e.type === 'log' ? e.line : ''))
          .join('\n')}`,
      );
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'succeeded' });
    expect(build.stages.find((s) => s.name === 'verify')?.status).toBe('skipped');
    expect(build.stages.filter((s) => s.status === 'succeeded').map((s) => s.name)).toEqual(expect.arrayContaining(['rootfs', 'kubernetes', 'disk', 'sign']));
  });

  it('records that the stand-in made it a test image', () => {
    expect(build.testImage?.reason).toMatch(/^kubelet is the Kubernetes stand-in's package/);
    expect(events.some((e) => e.type === 'log' && e.stage === 'kubernetes' && e.line.startsWith(TEST_IMAGE_NOTICE))).toBe(true);
  });

  it('records the raw disk, the SBOM and the signed checksums', () => {
    const names = build.artifacts.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['SHA256SUMS', 'SHA256SUMS.sig']));
    expect(build.artifacts.some((a) => a.format === 'raw')).toBe(true);
    expect(build.artifacts.some((a) => a.format === 'spdx')).toBe(true);
  });

  it('serves a byte range of the raw disk: the MBR boot signature', async () => {
    const raw = build.artifacts.find((a) => a.format === 'raw');
    const response = await fetch(`${server.url}${raw?.url}`, { headers: { range: 'bytes=510-511' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('etag')).toBe(`"${raw?.sha256}"`);
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0x55, 0xaa]);
  });

  it('lists the installed packages with versions', async () => {
    const packages = sbomPackageSchema.array().parse(await (await fetch(`${server.url}/api/builds/${build.id}/sbom`)).json());
    expect(packages.find((p) => p.name === 'kubelet')?.version).toMatch(/^1\.35\.3/);
    expect(packages.length).toBeGreaterThan(100);
  });

  it('cancels a real build mid-stage and leaves no process behind', async () => {
    const spec = build.specYaml.replace('sizeGiB: 4', 'sizeGiB: 5');
    const response = await fetch(`${server.url}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: spec });
    const { build: created } = createBuildResponseSchema.parse(await response.json());
    const stream = await openSse(`${server.url}/api/builds/${created.id}/events`);
    // Cancel once a stage has started and produced output, i.e. while tools are running.
    while (!stream.messages.some((m) => m.data.includes('"type":"log"'))) await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await fetch(`${server.url}/api/builds/${created.id}/cancel`, { method: 'POST' });
    await stream.ended;
    const canceled = buildDetailSchema.parse(await (await fetch(`${server.url}/api/builds/${created.id}`)).json());
    expect(canceled.state).toBe('canceled');
    expect(Date.now() - started).toBeLessThan(8000);
    expect(findBuildProcesses(created.id)).toEqual([]);
  });

  it('reuses the finished build for the same spec', async () => {
    const response = await fetch(`${server.url}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: build.specYaml });
    expect(response.status).toBe(200);
    expect(createBuildResponseSchema.parse(await response.json()).build.id).toBe(build.id);
  });
});
