import { existsSync } from 'node:fs';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDirs } from '../builds/build-dirs.ts';
import { artifactStorageConfigSchema } from '../config/artifact-storage-config.ts';
import { injectLocal } from '../testing/test-app.ts';
import { getBuild, postBuild, scenarioSpec, scriptedApp, waitForState } from '../testing/test-builds.ts';
import { startTestS3, testS3Credentials, type TestS3 } from '../testing/test-s3.ts';

import { downloadContract, scriptedRawBytes as rawBytes } from '../testing/download-contract.ts';
const bucket = 'stamper-downloads';

let s3: TestS3;
const s3Config = (prefix: string, overrides: Record<string, string> = {}) =>
  artifactStorageConfigSchema.parse({ url: `s3://${bucket}/${prefix}`, endpoint: s3.endpoint, forcePathStyle: '1', ...overrides });

beforeAll(async () => {
  s3 = await startTestS3(bucket);
  // the server finds credentials as in production, through the SDK's provider chain (the environment here)
  process.env.AWS_ACCESS_KEY_ID = testS3Credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = testS3Credentials.secretAccessKey;
});
afterAll(async () => {
  await s3?.stop();
});

/** One server with artifacts in S3 (proxied downloads); what it serves must come from the bucket, not its disk. */
describe('downloads from S3 through the API (proxy)', () => {
  let ctx: Awaited<ReturnType<typeof scriptedApp>>;
  let id: string;
  let url: string;
  beforeAll(async () => {
    ctx = await scriptedApp({ artifactStorage: s3Config('proxy') });
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 180));
    id = body?.build.id ?? '';
    await waitForState(ctx.app, id, ['succeeded']);
    url = `/api/builds/${id}/artifacts/workers.raw`;
    expect(await s3.keys(`proxy/${id}/`)).toEqual([`proxy/${id}/workers.raw`, `proxy/${id}/workers.spdx.json`]);
    // the builder keeps no copy once the bucket has it: every answer below can only come from the bucket
    expect(existsSync(buildDirs(ctx.config.dataDir, id).outDir)).toBe(false);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  // the same answers as a download from the data directory (server/http/routes/artifact-routes.test.ts)
  downloadContract(() => ({ app: ctx.app, url }));

  it('lists the SBOM packages from the stored SPDX document', async () => {
    const response = await injectLocal(ctx.app, { url: `/api/builds/${id}/sbom` });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { name: string }[]).map((p) => p.name)).toEqual(['bash', 'kubelet']);
  });

  it('reads the SBOM for the updates check from the bucket', async () => {
    const response = await injectLocal(ctx.app, { url: `/api/builds/${id}/updates` });
    // the scripted build records no apt sources: that refusal comes only after the SBOM was read
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'not_checkable', message: expect.stringContaining('recorded no apt sources') });
  });

  it('removes the objects of a deleted build, after which the download is a 404', async () => {
    const removed = await injectLocal(ctx.app, { url: `/api/builds/${id}`, method: 'DELETE' });
    expect(removed.statusCode).toBe(200);
    expect(await s3.keys(`proxy/${id}/`)).toEqual([]);
    expect((await injectLocal(ctx.app, { url })).statusCode).toBe(404);
  });
});

describe('builds with artifacts in S3', () => {
  it('fails a build whose artifacts cannot be uploaded, saying why, and keeps nothing of it', async () => {
    const ctx = await scriptedApp({
      artifactStorage: artifactStorageConfigSchema.parse({ url: 's3://no-such-bucket/x', endpoint: s3.endpoint, forcePathStyle: '1' }),
    });
    try {
      const { body } = await postBuild(ctx.app, scenarioSpec('quick', 181));
      const id = body?.build.id ?? '';
      const failed = await waitForState(ctx.app, id, ['failed', 'succeeded']);
      expect(failed.state).toBe('failed');
      expect(failed.error).toMatch(/^the artifacts could not be stored: uploading workers\.raw to s3:\/\/no-such-bucket\/x\/.*NoSuchBucket/);
      expect(failed.artifacts).toEqual([]);
      expect(existsSync(buildDirs(ctx.config.dataDir, id).outDir)).toBe(false);
    } finally {
      await ctx.close();
    }
  });

  it('prunes the objects of builds past the retention limit and keeps the newest', async () => {
    const ctx = await scriptedApp({ keepBuilds: 1, artifactStorage: s3Config('retention') });
    try {
      const ids: string[] = [];
      for (const size of [182, 183]) {
        const { body } = await postBuild(ctx.app, scenarioSpec('quick', size));
        ids.push(body?.build.id ?? '');
        await waitForState(ctx.app, ids.at(-1) ?? '', ['succeeded']);
      }
      const [oldest, newest] = ids;
      expect(await s3.keys(`retention/${oldest}/`)).toEqual([]);
      expect(await s3.keys(`retention/${newest}/`)).toHaveLength(2);
      expect((await getBuild(ctx.app, oldest ?? '')).artifacts).toEqual([]);
    } finally {
      await ctx.close();
    }
  });

  it('redirects a download to a presigned URL that serves the bytes, and answers 302 for HEAD too', async () => {
    const ctx = await scriptedApp({ artifactStorage: s3Config('presigned', { download: 'presigned', presignSeconds: '30' }) });
    try {
      const { body } = await postBuild(ctx.app, scenarioSpec('quick', 184));
      const id = body?.build.id ?? '';
      await waitForState(ctx.app, id, ['succeeded']);
      const url = `/api/builds/${id}/artifacts/workers.raw`;
      const response = await injectLocal(ctx.app, { url });
      expect(response.statusCode).toBe(302);
      expect(response.headers['cache-control']).toBe('no-store');
      const location = String(response.headers.location);
      expect(location).toContain(`${s3.endpoint}/${bucket}/presigned/${id}/workers.raw?`);
      expect(location).toMatch(/X-Amz-Expires=30/);
      const fetched = await fetch(location);
      expect(Buffer.from(await fetched.arrayBuffer()).equals(rawBytes)).toBe(true);
      expect((await injectLocal(ctx.app, { url, method: 'HEAD' })).statusCode).toBe(302);
      // an object that went missing is a 410 here, not a redirect to the bucket's 404
      await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `presigned/${id}/workers.raw` }));
      const gone = await injectLocal(ctx.app, { url });
      expect(gone.statusCode).toBe(410);
      expect(gone.json()).toMatchObject({ code: 'artifact_gone' });
    } finally {
      await ctx.close();
    }
  });
});
