import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EC2Client, type Tag } from '@aws-sdk/client-ec2';
import type { PublishedAmi } from '../../../src/spec/build-events.ts';
import { findRelease } from '../../../src/spec/catalog.ts';
import { resolveVersions } from '../../../src/spec/defaults.ts';
import { amiNameValues, renderAmiName } from '../../../src/spec/interop/ami-name-template.ts';
import type { NodeImage, OutputSpec } from '../../../src/spec/schema.ts';
import { importSnapshot } from './import-snapshot.ts';
import type { PollTiming } from './poll.ts';
import { copyAmi, grantLaunchPermissions, registerAmi, tagSnapshot, waitForImageAvailable } from './register-ami.ts';
import { uploadDiskToS3 } from './upload-disk-to-s3.ts';

export type AmiOutput = Extract<OutputSpec, { format: 'ami' }>;

/** Where clients come from: the default uses the SDK's standard credential chain, never credentials of ours. */
export interface AwsClients {
  s3(region: string): S3Client;
  ec2(region: string): EC2Client;
}

export const defaultAwsClients: AwsClients = {
  s3: (region) => new S3Client({ region, maxAttempts: 5 }),
  ec2: (region) => new EC2Client({ region, maxAttempts: 5 }),
};

export interface PublishAmiOptions {
  image: NodeImage;
  output: AmiOutput;
  buildKey: string;
  /** The raw whole-disk image. */
  diskPath: string;
  signal?: AbortSignal;
  onProgress?(percent: number, message: string): void;
  log?(line: string): void;
  clients?: AwsClients;
  now?: Date;
  timing?: { import?: PollTiming; image?: PollTiming };
  s3PartSize?: number;
}

export const consoleUrl = (region: string, imageId: string): string =>
  `https://${region}.console.aws.amazon.com/ec2/home?region=${region}#ImageDetails:imageId=${imageId}`;

/**
 * S3 upload → ImportSnapshot → RegisterImage → (CopyImage, launch permissions). Returns
 * one PublishedAmi per region, the registering region first.
 */
export async function publishAmi(options: PublishAmiOptions): Promise<PublishedAmi[]> {
  const { image, output, signal } = options;
  const clients = options.clients ?? defaultAwsClients;
  const progress = (percent: number, message: string) => options.onProgress?.(Math.round(percent), message);
  const log = (line: string) => options.log?.(line);
  const now = options.now ?? new Date();
  const values = amiNameValues(image.spec, image.metadata.name, now);
  const name = renderAmiName(output.nameTemplate, values);
  const tags = amiTags(image, output, options.buildKey, name);
  const description = amiDescription(image, options.buildKey);
  // Unique per publish attempt, equal across the SDK's own retries of one call.
  const clientToken = `stamper-${options.buildKey.slice(0, 32)}-${values.timestamp}`;

  const s3 = clients.s3(output.region);
  const ec2 = clients.ec2(output.region);
  const key = `stamper/${options.buildKey}/${image.metadata.name}.raw`;

  log(`uploading ${options.diskPath} to s3://${output.bucket}/${key}`);
  const uploaded = await uploadDiskToS3({
    client: s3,
    bucket: output.bucket,
    key,
    filePath: options.diskPath,
    signal,
    region: output.region,
    ...(options.s3PartSize ? { minPartSize: options.s3PartSize } : {}),
    onProgress: (loaded, total) => progress((40 * loaded) / Math.max(total, 1), `uploading to S3: ${mib(loaded)} of ${mib(total)} MiB`),
  });

  let snapshotId: string;
  try {
    log(`importing s3://${output.bucket}/${key} as an EBS snapshot in ${output.region}`);
    ({ snapshotId } = await importSnapshot({
      ec2,
      region: output.region,
      bucket: output.bucket,
      key,
      description,
      tags,
      clientToken,
      signal,
      ...(options.timing?.import ? { timing: options.timing.import } : {}),
      onProgress: (percent, status) => progress(40 + (45 * percent) / 100, `ImportSnapshot ${percent}%${status ? ` (${status})` : ''}`),
    }));
  } finally {
    // The snapshot holds the disk now (or the import failed); the upload only costs storage.
    await s3.send(new DeleteObjectCommand({ Bucket: output.bucket, Key: key })).then(
      () => log(`deleted s3://${output.bucket}/${key} (${mib(uploaded.sizeBytes)} MiB)`),
      () => log(`could not delete s3://${output.bucket}/${key}; remove it by hand`),
    );
  }
  log(`snapshot ${snapshotId} imported`);
  await tagSnapshot(ec2, snapshotId, tags, signal);

  progress(86, 'registering the AMI');
  const imageId = await registerAmi({ ec2, region: output.region, snapshotId, name, description, bootMode: output.bootMode, tags, signal });
  log(`registered ${imageId} (${name}) in ${output.region}`);
  const published: PublishedAmi[] = [{ provider: 'aws', region: output.region, imageId, name, snapshotId, consoleUrl: consoleUrl(output.region, imageId) }];

  if (output.launchPermissions.length > 0 || output.copyToRegions.length > 0) {
    progress(88, `waiting for ${imageId} to become available`);
    await waitForImageAvailable(ec2, imageId, output.region, signal, options.timing?.image);
    await grantLaunchPermissions(ec2, imageId, output.launchPermissions, output.region, signal);
  }

  let copiesDone = 0;
  const copies = await Promise.all(
    output.copyToRegions.map(async (region) => {
      const regional = clients.ec2(region);
      const copyId = await copyAmi({
        ec2: regional,
        sourceImageId: imageId,
        sourceRegion: output.region,
        destinationRegion: region,
        name,
        description,
        clientToken: `${clientToken}-${region}`.slice(0, 64),
        signal,
      });
      log(`copying ${imageId} to ${region} as ${copyId}`);
      if (output.launchPermissions.length > 0) {
        await waitForImageAvailable(regional, copyId, region, signal, options.timing?.image);
        await grantLaunchPermissions(regional, copyId, output.launchPermissions, region, signal);
      }
      copiesDone += 1;
      progress(90 + (10 * copiesDone) / output.copyToRegions.length, `copied to ${copiesDone} of ${output.copyToRegions.length} regions`);
      return { provider: 'aws', region, imageId: copyId, name, consoleUrl: consoleUrl(region, copyId) } satisfies PublishedAmi;
    }),
  );
  progress(100, 'published');
  return [...published, ...copies];
}

/** The spec's tags plus image-builder's own tag names, so tools that read those keep working. */
export function amiTags(image: NodeImage, output: AmiOutput, buildKey: string, name: string): Tag[] {
  const versions = resolveVersions(image.spec);
  const release = findRelease(image.spec.os.release);
  const runtime = image.spec.runtime;
  const ours: Record<string, string> = {
    Name: name,
    kubernetes_version: `v${versions.kubernetes}`,
    kubernetes_cni_version: `v${versions.cni}`,
    containerd_version: (runtime.source === 'upstream' ? runtime.version : release?.containerd) ?? 'unknown',
    distribution: image.spec.os.distro,
    distribution_release: image.spec.os.release,
    distribution_version: release?.version ?? 'unknown',
    'stamper:build-key': buildKey,
    'stamper:spec-name': image.metadata.name,
  };
  // ours last: a spec tag must not overwrite the build key or versions that tools read
  const merged = { ...output.tags, ...ours };
  return Object.entries(merged).map(([Key, Value]) => ({ Key, Value }));
}

function amiDescription(image: NodeImage, buildKey: string): string {
  const release = findRelease(image.spec.os.release);
  return `Stamper node image ${image.metadata.name}: Kubernetes v${image.spec.kubernetes.version} on ${release?.title ?? image.spec.os.release} (build ${buildKey.slice(0, 12)})`.slice(
    0,
    255,
  );
}

const mib = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(0);
