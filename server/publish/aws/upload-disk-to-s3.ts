import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { AbortMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { toPublishError } from './aws-publish-error.ts';

export interface UploadDiskOptions {
  client: S3Client;
  bucket: string;
  key: string;
  filePath: string;
  signal?: AbortSignal;
  /** Bytes sent so far and the total. */
  onProgress?(loaded: number, total: number): void;
  /** Parts in flight; each is held in memory, so memory use is about queueSize × partSize. */
  queueSize?: number;
  /** Smallest part size; raised for big disks to stay under S3's 10,000-part limit. */
  minPartSize?: number;
  region?: string;
}

const MIB = 1024 * 1024;
const S3_MAX_PARTS = 10_000;

/** Streams the disk to S3 as a multipart upload; an abort stops it and removes the parts already sent. */
export async function uploadDiskToS3(options: UploadDiskOptions): Promise<{ bucket: string; key: string; sizeBytes: number }> {
  const { client, bucket, key, filePath, signal } = options;
  signal?.throwIfAborted();
  const sizeBytes = (await stat(filePath)).size;
  const partSize = Math.max(options.minPartSize ?? 64 * MIB, 5 * MIB, Math.ceil(sizeBytes / (S3_MAX_PARTS - 1)));
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: createReadStream(filePath, { highWaterMark: MIB }), ContentLength: sizeBytes },
    queueSize: options.queueSize ?? 4,
    partSize,
    leavePartsOnError: false,
  });
  upload.on('httpUploadProgress', (progress) => options.onProgress?.(progress.loaded ?? 0, progress.total ?? sizeBytes));
  const onAbort = () => void upload.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await upload.done();
  } catch (error) {
    if (signal?.aborted) {
      // done() rejects at once on abort while lib-storage finishes in-flight parts in the
      // background; abort the multipart upload ourselves so no parts are left to pay for.
      if (upload.uploadId) {
        await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.uploadId })).catch(() => undefined);
      }
      signal.throwIfAborted();
    }
    throw toPublishError('S3 upload', error, { bucket, region: options.region });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { bucket, key, sizeBytes };
}
