import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelImportTaskCommand,
  CopyImageCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeImportSnapshotTasksCommand,
  EC2Client,
  ImportSnapshotCommand,
  ModifyImageAttributeCommand,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImage } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { publishAmi, type AmiOutput } from './publish-ami.ts';

const BUILD_KEY = 'f'.repeat(64);
const NOW = new Date('2026-11-24T18:00:00Z'); // 1795543200
const fast = { intervalMs: 1, timeoutMs: 5_000, maxTransientErrors: 3 };

const s3 = new S3Client({ region: 'eu-west-1' });
const ec2 = new EC2Client({ region: 'eu-west-1' });
const ec2UsEast = new EC2Client({ region: 'us-east-1' });
const s3Mock = mockClient(s3);
const ec2Mock = mockClient(ec2);
const usEastMock = mockClient(ec2UsEast);
const clients = { s3: () => s3, ec2: (region: string) => (region === 'us-east-1' ? ec2UsEast : ec2) };

let root: string;
let diskPath: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-ami-'));
  diskPath = join(root, 'disk.raw');
  await writeFile(diskPath, Buffer.alloc(64 * 1024, 1));
});
afterAll(() => rm(root, { recursive: true, force: true }));

beforeEach(() => {
  s3Mock.reset();
  ec2Mock.reset();
  usEastMock.reset();
  s3Mock.on(PutObjectCommand).resolves({ ETag: '"x"' });
  s3Mock.on(DeleteObjectCommand).resolves({});
});

function specWith(output: Partial<AmiOutput> = {}): { image: NodeImage; output: AmiOutput } {
  const image = nodeImageSchema.parse(
    minimalInput({
      os: { distro: 'debian', release: 'trixie' },
      kubernetes: { version: '1.35.3' },
      outputs: [{ format: 'ami', region: 'eu-west-1', bucket: 'stamper-imports', tags: { team: 'platform' }, ...output }],
    }),
  );
  const ami = image.spec.outputs[0];
  if (ami?.format !== 'ami') throw new Error('test spec lost its AMI output');
  return { image, output: ami };
}

const awsError = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

function happyImport(): void {
  ec2Mock.on(ImportSnapshotCommand).resolves({ ImportTaskId: 'import-snap-1' });
  ec2Mock
    .on(DescribeImportSnapshotTasksCommand)
    .resolvesOnce({
      ImportSnapshotTasks: [{ ImportTaskId: 'import-snap-1', SnapshotTaskDetail: { Status: 'active', Progress: '10', StatusMessage: 'pending' } }],
    })
    .resolvesOnce({
      ImportSnapshotTasks: [{ ImportTaskId: 'import-snap-1', SnapshotTaskDetail: { Status: 'active', Progress: '60', StatusMessage: 'converting' } }],
    })
    .resolves({
      ImportSnapshotTasks: [{ ImportTaskId: 'import-snap-1', SnapshotTaskDetail: { Status: 'completed', Progress: '100', SnapshotId: 'snap-0abc' } }],
    });
  ec2Mock.on(CreateTagsCommand).resolves({});
  ec2Mock.on(RegisterImageCommand).resolves({ ImageId: 'ami-0primary' });
}

describe('publishAmi (recorded contract with aws-sdk-client-mock)', () => {
  it('makes the documented call sequence with exact inputs', async () => {
    happyImport();
    ec2Mock
      .on(DescribeImagesCommand)
      .resolvesOnce({ Images: [{ ImageId: 'ami-0primary', State: 'pending' }] })
      .resolves({ Images: [{ ImageId: 'ami-0primary', State: 'available' }] });
    ec2Mock.on(ModifyImageAttributeCommand).resolves({});
    usEastMock.on(CopyImageCommand).resolves({ ImageId: 'ami-0copy' });
    usEastMock.on(DescribeImagesCommand).resolves({ Images: [{ ImageId: 'ami-0copy', State: 'available' }] });
    usEastMock.on(ModifyImageAttributeCommand).resolves({});

    const { image, output } = specWith({ copyToRegions: ['us-east-1'], launchPermissions: ['123456789012'], bootMode: 'uefi-preferred' });
    const progress: number[] = [];
    const published = await publishAmi({
      image,
      output,
      buildKey: BUILD_KEY,
      diskPath,
      clients,
      now: NOW,
      timing: { import: fast, image: fast },
      onProgress: (p) => progress.push(p),
    });

    const name = 'capa-ami-debian-13-v1.35.3-1795543200';
    expect(published).toEqual([
      {
        provider: 'aws',
        region: 'eu-west-1',
        imageId: 'ami-0primary',
        name,
        snapshotId: 'snap-0abc',
        consoleUrl: 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#ImageDetails:imageId=ami-0primary',
      },
      {
        provider: 'aws',
        region: 'us-east-1',
        imageId: 'ami-0copy',
        name,
        consoleUrl: 'https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#ImageDetails:imageId=ami-0copy',
      },
    ]);

    const key = `stamper/${BUILD_KEY}/workers.raw`;
    expect(s3Mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({ Bucket: 'stamper-imports', Key: key });
    expect(s3Mock.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({ Bucket: 'stamper-imports', Key: key });

    const tags = ec2Mock.commandCalls(ImportSnapshotCommand)[0]?.args[0].input.TagSpecifications?.[0]?.Tags;
    expect(ec2Mock.commandCalls(ImportSnapshotCommand)[0]?.args[0].input).toEqual({
      Description: expect.stringContaining('Kubernetes v1.35.3 on Debian 13 (trixie)'),
      DiskContainer: { Description: expect.any(String), Format: 'RAW', UserBucket: { S3Bucket: 'stamper-imports', S3Key: key } },
      ClientToken: `stamper-${BUILD_KEY.slice(0, 32)}-1795543200`,
      TagSpecifications: [{ ResourceType: 'import-snapshot-task', Tags: expect.any(Array) }],
    });
    expect(Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      team: 'platform',
      Name: name,
      kubernetes_version: 'v1.35.3',
      kubernetes_cni_version: 'v1.7.1',
      containerd_version: '1.7.24',
      distribution: 'debian',
      distribution_release: 'trixie',
      distribution_version: '13',
      'stamper:build-key': BUILD_KEY,
      'stamper:spec-name': 'workers',
    });
    expect(ec2Mock.commandCalls(DescribeImportSnapshotTasksCommand).map((c) => c.args[0].input)).toEqual([
      { ImportTaskIds: ['import-snap-1'] },
      { ImportTaskIds: ['import-snap-1'] },
      { ImportTaskIds: ['import-snap-1'] },
    ]);
    expect(ec2Mock.commandCalls(CreateTagsCommand)[0]?.args[0].input).toEqual({ Resources: ['snap-0abc'], Tags: tags });
    expect(ec2Mock.commandCalls(RegisterImageCommand)[0]?.args[0].input).toEqual({
      Name: name,
      Description: expect.any(String),
      Architecture: 'x86_64',
      VirtualizationType: 'hvm',
      EnaSupport: true,
      BootMode: 'uefi-preferred',
      RootDeviceName: '/dev/xvda',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0abc', DeleteOnTermination: true, VolumeType: 'gp3' } }],
      TagSpecifications: [{ ResourceType: 'image', Tags: tags }],
    });
    expect(ec2Mock.commandCalls(DescribeImagesCommand)).toHaveLength(2);
    expect(ec2Mock.commandCalls(ModifyImageAttributeCommand)[0]?.args[0].input).toEqual({
      ImageId: 'ami-0primary',
      LaunchPermission: { Add: [{ UserId: '123456789012' }] },
    });
    expect(usEastMock.commandCalls(CopyImageCommand)[0]?.args[0].input).toEqual({
      SourceImageId: 'ami-0primary',
      SourceRegion: 'eu-west-1',
      Name: name,
      Description: expect.any(String),
      CopyImageTags: true,
      ClientToken: `stamper-${BUILD_KEY.slice(0, 32)}-1795543200-us-east-1`,
    });
    expect(usEastMock.commandCalls(ModifyImageAttributeCommand)[0]?.args[0].input).toEqual({
      ImageId: 'ami-0copy',
      LaunchPermission: { Add: [{ UserId: '123456789012' }] },
    });
    expect(ec2Mock.commandCalls(CopyImageCommand)).toHaveLength(0);

    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress).toContain(40 + 45 * 0.6);
    expect(progress.at(-1)).toBe(100);
  });

  it('skips DescribeImages, CopyImage and ModifyImageAttribute when nothing is shared or copied', async () => {
    happyImport();
    const { image, output } = specWith({ bootMode: 'legacy-bios' });
    await publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, now: NOW, timing: { import: fast, image: fast } });
    expect(ec2Mock.commandCalls(RegisterImageCommand)[0]?.args[0].input.BootMode).toBe('legacy-bios');
    expect(ec2Mock.commandCalls(DescribeImagesCommand)).toHaveLength(0);
    expect(ec2Mock.commandCalls(ModifyImageAttributeCommand)).toHaveLength(0);
    expect(usEastMock.calls()).toHaveLength(0);
  });

  it('keeps polling through throttling and gives up on other errors', async () => {
    happyImport();
    ec2Mock
      .on(DescribeImportSnapshotTasksCommand)
      .rejectsOnce(awsError('RequestLimitExceeded', 'Request limit exceeded.', 503))
      .rejectsOnce(awsError('RequestLimitExceeded', 'Request limit exceeded.', 503))
      .resolves({ ImportSnapshotTasks: [{ SnapshotTaskDetail: { Status: 'completed', SnapshotId: 'snap-0abc' } }] });
    const { image, output } = specWith();
    const [primary] = await publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, now: NOW, timing: { import: fast } });
    expect(primary?.imageId).toBe('ami-0primary');
    expect(ec2Mock.commandCalls(DescribeImportSnapshotTasksCommand)).toHaveLength(3);

    ec2Mock.on(DescribeImportSnapshotTasksCommand).rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    await expect(publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, now: NOW, timing: { import: fast } })).rejects.toThrow(
      /^DescribeImportSnapshotTasks failed \(UnauthorizedOperation\).*Fix: .*ec2:DescribeImportSnapshotTasks/,
    );
  });
});

describe('publishAmi error mapping', () => {
  it('explains the missing vmimport role', async () => {
    ec2Mock
      .on(ImportSnapshotCommand)
      .rejects(awsError('InvalidParameter', 'The service role vmimport provided does not exist or does not have sufficient permissions'));
    const { image, output } = specWith();
    const error = await publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, now: NOW, timing: { import: fast } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AwsPublishError', step: 'ImportSnapshot', code: 'InvalidParameter' });
    expect(String(error)).toMatch(/Fix: ImportSnapshot needs the "vmimport" service role.*vmie\.amazonaws\.com/);
    // the upload is removed even though the import failed
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(1);
  });

  it('reports an import task that AWS deleted, with its status message', async () => {
    ec2Mock.on(ImportSnapshotCommand).resolves({ ImportTaskId: 'import-snap-2' });
    ec2Mock.on(DescribeImportSnapshotTasksCommand).resolves({
      ImportSnapshotTasks: [
        { SnapshotTaskDetail: { Status: 'deleted', StatusMessage: 'ClientError: Disk validation failed [Unsupported specified file format]' } },
      ],
    });
    const { image, output } = specWith();
    await expect(publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, now: NOW, timing: { import: fast } })).rejects.toThrow(
      /DescribeImportSnapshotTasks failed \(ClientError\): import task import-snap-2: ClientError: Disk validation failed.*Fix: AWS could not read the disk/,
    );
  });

  it('names a duplicate AMI name and how to avoid it', async () => {
    happyImport();
    ec2Mock.on(RegisterImageCommand).rejects(awsError('InvalidAMIName.Duplicate', 'AMI name capa-ami-x is already in use by AMI ami-0old'));
    const { image, output } = specWith({ nameTemplate: 'fixed-name' });
    await expect(publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, now: NOW, timing: { import: fast } })).rejects.toThrow(
      /RegisterImage failed \(InvalidAMIName\.Duplicate\).*include \{timestamp\}/,
    );
  });

  it('explains missing credentials without printing any', async () => {
    s3Mock.on(PutObjectCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { image, output } = specWith();
    await expect(publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, now: NOW })).rejects.toThrow(
      /S3 upload failed \(CredentialsProviderError\).*AWS_PROFILE/,
    );
  });
});

describe('publishAmi cancellation', () => {
  it('cancels the AWS import task and removes the upload when the build is canceled', async () => {
    const controller = new AbortController();
    ec2Mock.on(ImportSnapshotCommand).resolves({ ImportTaskId: 'import-snap-3' });
    ec2Mock.on(DescribeImportSnapshotTasksCommand).callsFake(() => {
      controller.abort();
      return { ImportSnapshotTasks: [{ SnapshotTaskDetail: { Status: 'active', Progress: '5' } }] };
    });
    ec2Mock.on(CancelImportTaskCommand).resolves({});
    const { image, output } = specWith();
    const run = publishAmi({
      image,
      output,
      buildKey: BUILD_KEY,
      diskPath,
      clients,
      now: NOW,
      signal: controller.signal,
      timing: { import: { ...fast, intervalMs: 60_000 } },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(ec2Mock.commandCalls(CancelImportTaskCommand)[0]?.args[0].input).toEqual({ ImportTaskId: 'import-snap-3', CancelReason: 'Stamper build canceled' });
    expect(s3Mock.commandCalls(DeleteObjectCommand)).toHaveLength(1);
    expect(ec2Mock.commandCalls(RegisterImageCommand)).toHaveLength(0);
  });

  it('does not start when already canceled', async () => {
    const controller = new AbortController();
    controller.abort();
    const { image, output } = specWith();
    await expect(publishAmi({ image, output, buildKey: BUILD_KEY, diskPath, clients, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(s3Mock.calls()).toHaveLength(0);
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});
