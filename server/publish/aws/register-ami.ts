import {
  CopyImageCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  ModifyImageAttributeCommand,
  RegisterImageCommand,
  type BootModeValues,
  type EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import { AwsPublishError, toPublishError } from './aws-publish-error.ts';
import { defaultImageTiming, pollUntil, type PollTiming } from './poll.ts';

/** The device the root snapshot is attached as; Nitro instances show it as nvme0n1, which our GRUB finds by label. */
export const ROOT_DEVICE = '/dev/xvda';

export interface RegisterAmiOptions {
  ec2: EC2Client;
  region: string;
  snapshotId: string;
  name: string;
  description: string;
  bootMode: BootModeValues;
  tags: Tag[];
  signal?: AbortSignal;
}

export async function registerAmi(options: RegisterAmiOptions): Promise<string> {
  const { ec2, signal } = options;
  try {
    const registered = await ec2.send(
      new RegisterImageCommand({
        Name: options.name,
        Description: options.description,
        Architecture: 'x86_64',
        VirtualizationType: 'hvm',
        EnaSupport: true,
        BootMode: options.bootMode,
        RootDeviceName: ROOT_DEVICE,
        BlockDeviceMappings: [{ DeviceName: ROOT_DEVICE, Ebs: { SnapshotId: options.snapshotId, DeleteOnTermination: true, VolumeType: 'gp3' } }],
        TagSpecifications: options.tags.length > 0 ? [{ ResourceType: 'image', Tags: options.tags }] : undefined,
      }),
      { abortSignal: signal },
    );
    if (!registered.ImageId) throw new AwsPublishError('RegisterImage', 'NoImageId', 'AWS returned no image ID');
    return registered.ImageId;
  } catch (error) {
    signal?.throwIfAborted();
    throw toPublishError('RegisterImage', error, { region: options.region });
  }
}

/** The snapshot behind the AMI carries the same tags, so cost reports and cleanups find it. */
export async function tagSnapshot(ec2: EC2Client, snapshotId: string, tags: Tag[], signal?: AbortSignal): Promise<void> {
  if (tags.length === 0) return;
  try {
    await ec2.send(new CreateTagsCommand({ Resources: [snapshotId], Tags: tags }), { abortSignal: signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw toPublishError('CreateTags', error);
  }
}

/** CopyImage and launch permissions want an available image, not a pending one. */
export async function waitForImageAvailable(
  ec2: EC2Client,
  imageId: string,
  region: string,
  signal?: AbortSignal,
  timing: PollTiming = defaultImageTiming,
): Promise<void> {
  try {
    await pollUntil(
      async () => {
        const described = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), { abortSignal: signal });
        const image = described.Images?.[0];
        if (image?.State === 'available') return true;
        if (image?.State === 'failed' || image?.State === 'invalid' || image?.State === 'error') {
          throw new AwsPublishError(
            'DescribeImages',
            'ImageFailed',
            `${imageId} in ${region} is ${image.State}: ${image.StateReason?.Message ?? 'no reason given'}`,
          );
        }
        return undefined;
      },
      timing,
      signal,
      () => `${imageId} in ${region} did not become available in time`,
    );
  } catch (error) {
    signal?.throwIfAborted();
    throw toPublishError('DescribeImages', error, { region });
  }
}

export async function grantLaunchPermissions(
  ec2: EC2Client,
  imageId: string,
  accountIds: readonly string[],
  region: string,
  signal?: AbortSignal,
): Promise<void> {
  if (accountIds.length === 0) return;
  try {
    await ec2.send(new ModifyImageAttributeCommand({ ImageId: imageId, LaunchPermission: { Add: accountIds.map((UserId) => ({ UserId })) } }), {
      abortSignal: signal,
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw toPublishError('ModifyImageAttribute', error, { region });
  }
}

export interface CopyAmiOptions {
  /** A client for the destination region: CopyImage is called where the copy is made. */
  ec2: EC2Client;
  sourceImageId: string;
  sourceRegion: string;
  destinationRegion: string;
  name: string;
  description: string;
  clientToken: string;
  signal?: AbortSignal;
}

export async function copyAmi(options: CopyAmiOptions): Promise<string> {
  try {
    const copied = await options.ec2.send(
      new CopyImageCommand({
        SourceImageId: options.sourceImageId,
        SourceRegion: options.sourceRegion,
        Name: options.name,
        Description: options.description,
        CopyImageTags: true,
        ClientToken: options.clientToken,
      }),
      { abortSignal: options.signal },
    );
    if (!copied.ImageId) throw new AwsPublishError('CopyImage', 'NoImageId', `AWS returned no image ID for the copy to ${options.destinationRegion}`);
    return copied.ImageId;
  } catch (error) {
    options.signal?.throwIfAborted();
    throw toPublishError('CopyImage', error, { region: options.destinationRegion });
  }
}
