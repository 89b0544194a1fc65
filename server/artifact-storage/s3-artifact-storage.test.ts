import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../builds/service-error.ts';
import { artifactStorageConfigSchema } from '../config/artifact-storage-config.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import type { RecordedArtifact } from '../store/store.ts';
import { startTestS3, testS3Credentials, type TestS3 } from '../testing/test-s3.ts';
import { S3ArtifactStorage } from './s3-artifact-storage.ts';

const MIB = 1024 * 1024;
const bucket = 'stamper-artifacts';
let root: string;
let s3: TestS3;
let image: Buffer;
let sbom: Buffer;
const stores: S3ArtifactStorage[] = [];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function storage(download: 'proxy' | 'presigned', url = `s3://${bucket}/builds/`): S3ArtifactStorage {
  const config = artifactStorageConfigSchema.parse({ url, endpoint: s3.endpoint, forcePathStyle: '1', download, presignSeconds: '60' });
  const made = new S3ArtifactStorage({ ...config, credentials: testS3Credentials });
  stores.push(made);
  return made;
}

async function artifactFile(name: string, bytes: Buffer, format = 'raw'): Promise<RecordedArtifact> {
  const path = join(root, name);
  await writeFile(path, bytes);
  return { name, format, sizeBytes: bytes.length, sha256: sha256(bytes), path };
}

const row = (buildId: string, a: RecordedArtifact): ArtifactRow => ({
  build_id: buildId,
  name: a.name,
  format: a.format,
  size_bytes: a.sizeBytes,
  sha256: a.sha256,
  path: a.path,
});

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-s3-artifacts-'));
  // a real S3 implementation on loopback: uploads, ranged reads and signatures go over HTTP as they would to AWS
  s3 = await startTestS3(bucket);
  // past one 8 MiB part, so the upload is multipart
  image = randomBytes(9 * MIB + 4321);
  sbom = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: [] }));
});

afterAll(async () => {
  for (const made of stores) made.close();
  await s3?.stop();
  await rm(root, { recursive: true, force: true });
});

describe('S3ArtifactStorage against s3rver', () => {
  it('uploads every artifact under prefix/build/name, a big image in parts, each with its SHA-256', async () => {
    const objects = storage('proxy');
    const commands: string[] = [];
    objects.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? '?');
        return next(args);
      },
      { step: 'initialize', name: 'recordCommandNames' },
    );
    const artifacts = [await artifactFile('node.raw', image), await artifactFile('node.spdx.json', sbom, 'spdx')];
    await objects.publish('build-1', artifacts);
    // the image in two parts (8 MiB and the rest), the small SBOM in one request
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(2);
    expect(commands.filter((c) => c === 'CompleteMultipartUploadCommand')).toHaveLength(1);
    expect(commands.filter((c) => c === 'PutObjectCommand')).toHaveLength(1);
    expect(await s3.keys('builds/build-1/')).toEqual(['builds/build-1/node.raw', 'builds/build-1/node.spdx.json']);
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'builds/build-1/node.raw' }));
    expect(head.ContentLength).toBe(image.length);
    expect(head.Metadata?.sha256).toBe(sha256(image));
  });

  it('reads an object whole and by byte range, with the size downloads announce', async () => {
    const objects = storage('proxy');
    const a = await artifactFile('node.raw', image);
    const stored = await objects.open(row('build-1', a));
    expect(stored?.size).toBe(image.length);
    const whole = Buffer.concat(await (await stored!.read()).toArray());
    expect(sha256(whole)).toBe(a.sha256);
    const start = 8 * MIB - 10;
    const part = Buffer.concat(await (await stored!.read({ start, end: start + 99 })).toArray());
    expect(part.equals(image.subarray(start, start + 100))).toBe(true);
  });

  it('says artifact_gone for a recorded artifact whose object is missing', async () => {
    const objects = storage('proxy');
    const a = await artifactFile('node.raw', image);
    const opened = objects.open(row('no-such-build', a));
    await expect(opened).rejects.toBeInstanceOf(ServiceError);
    await expect(opened).rejects.toMatchObject({ code: 'artifact_gone' });
  });

  it('presigns a URL that fetch() downloads, whole and by range, with the file name and checksum', async () => {
    const objects = storage('presigned');
    expect(objects.redirect).toBeDefined();
    const a = await artifactFile('node.raw', image);
    const url = await objects.redirect!(row('build-1', a));
    expect(url).toMatch(/X-Amz-Expires=60/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="node.raw"; filename*=UTF-8''node.raw`);
    expect(response.headers.get('x-amz-meta-sha256')).toBe(a.sha256);
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(a.sha256);
    const ranged = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(image.subarray(100, 200))).toBe(true);
  });

  it('proxy storage answers no redirect', () => {
    expect(storage('proxy').redirect).toBeUndefined();
  });

  it('removes every object of one build and only that build', async () => {
    const objects = storage('proxy');
    await objects.publish('build-2', [await artifactFile('other.raw', sbom)]);
    await objects.remove('build-1');
    expect(await s3.keys('builds/build-1/')).toEqual([]);
    expect(await s3.keys('builds/build-2/')).toEqual(['builds/build-2/other.raw']);
    // removing what is gone already is not an error: a second delete finishes a failed one
    await objects.remove('build-1');
  });

  it('keys builds at the top of the bucket when the URL has no prefix', async () => {
    const objects = storage('proxy', `s3://${bucket}`);
    await objects.publish('build-3', [await artifactFile('top.raw', sbom)]);
    expect(await s3.keys('build-3/')).toEqual(['build-3/top.raw']);
    await objects.remove('build-3');
    expect(await s3.keys('build-3/')).toEqual([]);
  });

  it('leaves nothing of a build whose upload failed, and says which file', async () => {
    const objects = storage('proxy');
    const good = await artifactFile('first.raw', sbom);
    const missing: RecordedArtifact = { ...good, name: 'second.raw', path: join(root, 'not-there.raw') };
    await expect(objects.publish('build-4', [good, missing])).rejects.toThrow(
      /uploading second\.raw to s3:\/\/stamper-artifacts\/builds\/build-4\/second\.raw failed/,
    );
    expect(await s3.keys('builds/build-4/')).toEqual([]);
  });

  it('names the S3 error when the bucket does not exist', async () => {
    const objects = storage('proxy', 's3://no-such-bucket/x');
    await expect(objects.publish('build-5', [await artifactFile('a.raw', sbom)])).rejects.toThrow(/NoSuchBucket/);
  });

  it('reads the text of a stored object as the SBOM route does', async () => {
    const objects = storage('proxy');
    const a = await artifactFile('node.spdx.json', sbom, 'spdx');
    await objects.publish('build-6', [a]);
    const stored = await objects.open(row('build-6', a));
    expect(await text(await stored!.read())).toBe(sbom.toString());
  });
});
