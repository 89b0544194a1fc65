import { z } from 'zod';

/**
 * Where a succeeded build's files are kept for download. Unset: the builder's data
 * directory, as always. `s3://bucket/prefix`: S3-compatible object storage that every
 * API replica reads, so a build made on one machine downloads through any other.
 * Credentials are never ours to read: the AWS SDK's provider chain finds them.
 */
export const artifactStorageConfigSchema = z.object({
  url: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, 'STAMPER_ARTIFACTS_URL must be s3://bucket or s3://bucket/prefix (a valid bucket name)')
    .transform((url) => {
      const rest = url.slice('s3://'.length);
      const slash = rest.indexOf('/');
      const bucket = slash === -1 ? rest : rest.slice(0, slash);
      const path = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
      // keys are `<prefix>/<build id>/<file name>`; an empty prefix puts builds at the bucket's top
      return { bucket, prefix: path === '' ? '' : `${path}/` };
    }),
  endpoint: z.url('STAMPER_S3_ENDPOINT must be a URL such as http://127.0.0.1:4569').optional(),
  region: z.string().min(1).default('us-east-1'),
  forcePathStyle: z
    .enum(['1', '0', 'true', 'false'], { message: 'STAMPER_S3_FORCE_PATH_STYLE must be 1 or 0' })
    .default('0')
    .transform((value) => value === '1' || value === 'true'),
  /** proxy: the API streams the object with the local download's headers; presigned: 302 to a short-lived URL. */
  download: z.enum(['proxy', 'presigned'], { message: 'STAMPER_ARTIFACTS_DOWNLOAD must be proxy or presigned' }).default('proxy'),
  presignSeconds: z.coerce
    .number({ message: 'STAMPER_PRESIGN_SECONDS must be a number of seconds' })
    .int('STAMPER_PRESIGN_SECONDS must be a whole number of seconds')
    .min(1, 'STAMPER_PRESIGN_SECONDS must be at least 1')
    // SigV4 presigned URLs are valid for at most 7 days
    .max(7 * 24 * 3600, 'STAMPER_PRESIGN_SECONDS must be at most 604800 (7 days)')
    .default(300),
});
export type ArtifactStorageConfig = z.output<typeof artifactStorageConfigSchema>;

/** Undefined unless STAMPER_ARTIFACTS_URL is set; the S3 variables alone select nothing. */
export function artifactStorageFromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  if (!env.STAMPER_ARTIFACTS_URL) return undefined;
  const entries = {
    url: env.STAMPER_ARTIFACTS_URL,
    endpoint: env.STAMPER_S3_ENDPOINT || undefined,
    region: env.STAMPER_S3_REGION || undefined,
    forcePathStyle: env.STAMPER_S3_FORCE_PATH_STYLE || undefined,
    download: env.STAMPER_ARTIFACTS_DOWNLOAD || undefined,
    presignSeconds: env.STAMPER_PRESIGN_SECONDS || undefined,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
