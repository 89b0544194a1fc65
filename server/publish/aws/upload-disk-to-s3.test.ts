import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDiskToS3 } from './upload-disk-to-s3.ts';

const MIB = 1024 * 1024;
const bucket = 'stamper-test-imports';
let root: string;
let server: S3rver;
let client: S3Client;
let diskPath: string;
let diskSha: string;
const commands: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-s3rver-'));
  // A real S3 implementation on loopback: multipart requests go over HTTP exactly as they would to AWS.
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(root, 's3'), configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  client = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandNames' },
  );
  const disk = randomBytes(12 * MIB + 12345);
  diskPath = join(root, 'disk.raw');
  await writeFile(diskPath, disk);
  diskSha = createHash('sha256').update(disk).digest('hex');
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe('uploadDiskToS3 against s3rver', () => {
  it('uploads in parts, reports progress up to the full size, and stores identical bytes', async () => {
    commands.length = 0;
    const progress: number[] = [];
    const result = await uploadDiskToS3({
      client,
      bucket,
      key: 'stamper/build-1/disk.raw',
      filePath: diskPath,
      minPartSize: 5 * MIB,
      queueSize: 2,
      onProgress: (loaded) => progress.push(loaded),
    });
    expect(result.sizeBytes).toBe(12 * MIB + 12345);
    // three parts of ≥ 5 MiB: more than one progress report, ending at the total
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.at(-1)).toBe(12 * MIB + 12345);
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'stamper/build-1/disk.raw' }));
    const body = Buffer.from(await object.Body!.transformToByteArray());
    expect(createHash('sha256').update(body).digest('hex')).toBe(diskSha);
    expect(commands.filter((c) => c === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
  });

  it('names the step and the bucket fix when the bucket does not exist', async () => {
    await expect(uploadDiskToS3({ client, bucket: 'no-such-bucket-here', key: 'k', filePath: diskPath, minPartSize: 5 * MIB })).rejects.toThrow(
      /S3 upload failed \(NoSuchBucket\).*does not exist/,
    );
  });

  it('stops on abort and leaves no object or open multipart upload', async () => {
    const controller = new AbortController();
    const key = 'stamper/build-2/disk.raw';
    const upload = uploadDiskToS3({
      client,
      bucket,
      key,
      filePath: diskPath,
      minPartSize: 5 * MIB,
      queueSize: 1,
      signal: controller.signal,
      onProgress: (loaded) => {
        if (loaded > 0) controller.abort();
      },
    });
    await expect(upload).rejects.toThrow(/abort/i);
    expect(commands).toContain('AbortMultipartUploadCommand');
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
    expect(listed.Contents ?? []).toEqual([]);
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket })).catch(() => ({ Uploads: [] }));
    expect((open.Uploads ?? []).filter((u) => u.Key === key)).toEqual([]);
  });
});
