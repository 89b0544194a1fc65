import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ServiceError } from '../builds/service-error.ts';
import type { ArtifactStorageConfig } from '../config/artifact-storage-config.ts';
import { attachmentDisposition } from '../downloads/content-disposition.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import type { RecordedArtifact } from '../store/store.ts';
import type { ArtifactStorage, StoredArtifact } from './artifact-storage.ts';

const MIB = 1024 * 1024;
const S3_MAX_PARTS = 10_000;
const S3_MAX_DELETE = 1000;

export interface S3ArtifactStorageOptions extends ArtifactStorageConfig {
  /** Tests pass static credentials for the loopback server; a deployment leaves them to the SDK's provider chain. */
  credentials?: S3ClientConfig['credentials'];
}

const contentType = (name: string) => (name.endsWith('.json') ? 'application/json' : 'application/octet-stream');

const isNotFound = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);

/** What the SDK says went wrong, with the S3 error name an operator can look up. */
function describe(error: unknown): string {
  if (error instanceof S3ServiceException) return `${error.name}${error.message && error.message !== error.name ? `: ${error.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Artifacts in an S3-compatible bucket under `<prefix><build id>/<file name>`, uploaded
 * by the builder once a build succeeded and read by any API replica. Each object
 * carries its SHA-256 as metadata, so a presigned download still tells the checksum.
 */
export class S3ArtifactStorage implements ArtifactStorage {
  readonly description: string;
  readonly remote = true;
  readonly redirect?: (artifact: ArtifactRow) => Promise<string>;
  /** Readable so tests can watch which requests go out. */
  readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(private readonly options: S3ArtifactStorageOptions) {
    this.bucket = options.url.bucket;
    this.prefix = options.url.prefix;
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
    });
    this.description = `artifacts are kept in s3://${this.bucket}/${this.prefix} (downloads: ${options.download})`;
    if (options.download === 'presigned') this.redirect = (artifact) => this.presign(artifact);
  }

  key(buildId: string, name: string): string {
    return `${this.prefix}${buildId}/${name}`;
  }

  async publish(buildId: string, artifacts: readonly RecordedArtifact[]): Promise<void> {
    try {
      for (const artifact of artifacts) await this.upload(buildId, artifact);
    } catch (error) {
      // a build that fails here is not recorded succeeded: what was sent of it goes too
      await this.remove(buildId).catch(() => undefined);
      throw error;
    }
  }

  private async upload(buildId: string, artifact: RecordedArtifact): Promise<void> {
    const Key = this.key(buildId, artifact.name);
    // at least 8 MiB parts, more for images that would pass S3's 10,000-part limit
    const partSize = Math.max(8 * MIB, Math.ceil(artifact.sizeBytes / (S3_MAX_PARTS - 1)));
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key,
        Body: createReadStream(artifact.path, { highWaterMark: MIB }),
        ContentLength: artifact.sizeBytes,
        ContentType: contentType(artifact.name),
        Metadata: { sha256: artifact.sha256 },
      },
      partSize,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw new Error(`uploading ${artifact.name} to s3://${this.bucket}/${Key} failed: ${describe(error)}`, { cause: error });
    }
    // the recorded size is what downloads promise; a short object would break every ranged read
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }));
    if (head.ContentLength !== artifact.sizeBytes) {
      throw new Error(`s3://${this.bucket}/${Key} holds ${head.ContentLength ?? 'no'} bytes, the build wrote ${artifact.sizeBytes}`);
    }
  }

  async open(artifact: ArtifactRow): Promise<StoredArtifact | undefined> {
    const Key = this.key(artifact.build_id, artifact.name);
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key })).catch((error: unknown) => {
      if (isNotFound(error)) throw new ServiceError('artifact_gone', `${artifact.name} is no longer in the artifact bucket`);
      throw new Error(`reading s3://${this.bucket}/${Key} failed: ${describe(error)}`, { cause: error });
    });
    return {
      size: head.ContentLength ?? 0,
      read: async (span) => {
        const range = span ? `bytes=${span.start}-${span.end}` : undefined;
        const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key, Range: range }));
        if (!(object.Body instanceof Readable)) throw new Error(`s3://${this.bucket}/${Key} answered without a body`);
        return object.Body;
      },
    };
  }

  private async presign(artifact: ArtifactRow): Promise<string> {
    // the object must be there: a redirect to a 404 of the bucket would hide which file is gone
    await this.open(artifact);
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.key(artifact.build_id, artifact.name),
      ResponseContentDisposition: attachmentDisposition(artifact.name),
      ResponseContentType: contentType(artifact.name),
    });
    return getSignedUrl(this.client, command, { expiresIn: this.options.presignSeconds });
  }

  async remove(buildId: string): Promise<void> {
    const Prefix = this.key(buildId, '');
    let ContinuationToken: string | undefined;
    try {
      do {
        const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken, MaxKeys: S3_MAX_DELETE }));
        const keys = (listed.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
        if (keys.length > 0) {
          const deleted = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
          const failed = deleted.Errors?.[0];
          if (failed) throw new Error(`${failed.Key ?? '?'}: ${failed.Code ?? 'error'} ${failed.Message ?? ''}`.trim());
        }
        ContinuationToken = listed.IsTruncated ? listed.NextContinuationToken : undefined;
      } while (ContinuationToken);
    } catch (error) {
      throw new Error(`removing s3://${this.bucket}/${Prefix} failed: ${describe(error)}`, { cause: error });
    }
  }

  close(): void {
    this.client.destroy();
  }
}
