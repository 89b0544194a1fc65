import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import { buildDirs } from '../builds/build-dirs.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { startTestS3, type TestS3 } from '../testing/test-s3.ts';
import { artifactFiles, killAndRemove, startServeProcess, type ServeProcess } from '../testing/scripted-fleet.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { scriptedRawBytes as rawBytes } from '../testing/download-contract.ts';

const rawSha = createHash('sha256').update(rawBytes).digest('hex');
const bucket = 'stamper-replicas';
const prefix = 'images';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres + S3 replica tests: ${missing}`);

/** A real `serve` process (scripted runner) with a data dir of its own; it shares only the database and the bucket. */
const startReplica = (env: NodeJS.ProcessEnv, concurrency: number) => startServeProcess(env, concurrency);

async function detail(replica: ServeProcess, id: string): Promise<BuildDetail> {
  return buildDetailSchema.parse(await (await fetch(`${replica.base}/api/builds/${id}`)).json());
}

async function waitForState(replica: ServeProcess, id: string, timeoutMs = 20_000): Promise<BuildDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const build = await detail(replica, id);
    if (build.state !== 'queued' && build.state !== 'running') return build;
    if (Date.now() > deadline) throw new Error(`build ${id} is still ${build.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Three API processes on one real Postgres and one real S3 server (s3rver), each with a
 * data directory of its own: A builds; B (proxy) and C (presigned) only answer the API,
 * and can serve A's files only from the bucket.
 */
describe.skipIf(missing !== null)('replicas on one Postgres serving artifacts from S3', () => {
  let postgres: TestPostgres;
  let s3: TestS3;
  let a: ServeProcess;
  let b: ServeProcess;
  let c: ServeProcess;
  let id: string;
  beforeAll(async () => {
    [postgres, s3] = await Promise.all([startTestPostgres(), startTestS3(bucket)]);
    const databaseUrl = await postgres.createDatabase('s3replicas');
    const env = { STAMPER_DATABASE_URL: databaseUrl, ...s3.env(prefix) };
    [a, b, c] = await Promise.all([
      startReplica(env, 1),
      startReplica(env, 0),
      startReplica({ ...env, STAMPER_ARTIFACTS_DOWNLOAD: 'presigned', STAMPER_PRESIGN_SECONDS: '60' }, 0),
    ]);
    const response = await fetch(`${b.base}/api/builds`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: scenarioSpec('quick', 190) });
    id = createBuildResponseSchema.parse(await response.json()).build.id;
  }, 60_000);
  afterAll(async () => {
    await killAndRemove([a, b, c]);
    await Promise.all([postgres?.stop(), s3?.stop()]);
  });

  it('has the files of a build A ran in the bucket once B sees it succeeded, and on no replica’s disk', async () => {
    const build = await waitForState(b, id);
    expect(build.state).toBe('succeeded');
    // whoever sees "succeeded" finds the objects already there
    expect(await s3.keys(`${prefix}/${id}/`)).toEqual([`${prefix}/${id}/workers.raw`, `${prefix}/${id}/workers.spdx.json`]);
    expect(build.artifacts.map((artifact) => artifact.name).sort()).toEqual(['workers.raw', 'workers.spdx.json']);
    for (const replica of [a, b, c]) {
      expect(existsSync(buildDirs(replica.dataDir, id).outDir)).toBe(false);
      expect(artifactFiles(replica.dataDir)).toEqual([]);
    }
  });

  it('downloads through B, whole and by Range, with the SHA-256 ETag, and lists the SBOM there', async () => {
    const url = `${b.base}/api/builds/${id}/artifacts/workers.raw`;
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('etag')).toBe(`"${rawSha}"`);
    expect(whole.headers.get('content-length')).toBe(String(rawBytes.length));
    expect(Buffer.from(await whole.arrayBuffer()).equals(rawBytes)).toBe(true);

    const ranged = await fetch(url, { headers: { range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${rawBytes.length}`);
    expect(ranged.headers.get('etag')).toBe(`"${rawSha}"`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(rawBytes.subarray(1000, 2000))).toBe(true);

    const past = await fetch(url, { headers: { range: `bytes=${rawBytes.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${rawBytes.length}`);

    const sbom = await fetch(`${b.base}/api/builds/${id}/sbom`);
    expect(sbom.status).toBe(200);
    expect(((await sbom.json()) as { name: string }[]).map((p) => p.name)).toEqual(['bash', 'kubelet']);
    expect(artifactFiles(b.dataDir)).toEqual([]);
  });

  it('redirects a download through C to a presigned URL that serves the bytes', async () => {
    const response = await fetch(`${c.base}/api/builds/${id}/artifacts/workers.raw`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = response.headers.get('location') ?? '';
    expect(location.startsWith(`${s3.endpoint}/${bucket}/${prefix}/${id}/workers.raw?`)).toBe(true);
    const fetched = await fetch(location, { headers: { range: 'bytes=0-99' } });
    expect(fetched.status).toBe(206);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(rawBytes.subarray(0, 100))).toBe(true);
    const whole = await fetch(location);
    expect(whole.headers.get('x-amz-meta-sha256')).toBe(rawSha);
    expect(
      createHash('sha256')
        .update(Buffer.from(await whole.arrayBuffer()))
        .digest('hex'),
    ).toBe(rawSha);
  });

  it('removes the objects of a build deleted through B; no replica serves it after', async () => {
    const removed = await fetch(`${b.base}/api/builds/${id}`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(await s3.keys(`${prefix}/${id}/`)).toEqual([]);
    for (const replica of [a, b]) expect((await fetch(`${replica.base}/api/builds/${id}/artifacts/workers.raw`)).status).toBe(404);
  });
});
