import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver accepts any signature made with these; the processes under test find them through the SDK's provider chain. */
export const testS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3 {
  endpoint: string;
  /** A client of the test's own, to look into the bucket behind the code's back. */
  client: S3Client;
  /** The environment that points `serve` and `worker` at this server's bucket. */
  env(prefix: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  keys(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** A real S3 implementation (s3rver) on a free loopback port, its bucket in a temporary directory. */
export async function startTestS3(bucket: string): Promise<TestS3> {
  const root = await mkdtemp(join(tmpdir(), 'stamper-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(root, 's3'), configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: testS3Credentials });
  return {
    endpoint,
    client,
    env: (prefix, extra = {}) => ({
      STAMPER_ARTIFACTS_URL: `s3://${bucket}/${prefix}`,
      STAMPER_S3_ENDPOINT: endpoint,
      STAMPER_S3_FORCE_PATH_STYLE: '1',
      AWS_ACCESS_KEY_ID: testS3Credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: testS3Credentials.secretAccessKey,
      ...extra,
    }),
    keys: async (prefix) => {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
    },
    stop: async () => {
      client.destroy();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
