import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand, DescribeImportSnapshotTasksCommand, EC2Client, ImportSnapshotCommand, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImage } from '../../../src/spec/schema.ts';
import { planStages } from '../../../src/spec/stage-plan.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import type { PipelineEvent } from '../events.ts';
import type { StageContext } from '../stage.ts';
import { createPublishStage, publishStage } from './publish.ts';

const s3 = new S3Client({ region: 'eu-west-1' });
const ec2 = new EC2Client({ region: 'eu-west-1' });
const s3Mock = mockClient(s3);
const ec2Mock = mockClient(ec2);
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'stamper-publish-stage-'));
  await writeFile(join(workDir, 'disk.raw'), Buffer.alloc(4096));
  s3Mock.on(PutObjectCommand).resolves({});
  s3Mock.on(DeleteObjectCommand).resolves({});
  ec2Mock.on(ImportSnapshotCommand).resolves({ ImportTaskId: 'import-snap-9' });
  ec2Mock.on(DescribeImportSnapshotTasksCommand).resolves({ ImportSnapshotTasks: [{ SnapshotTaskDetail: { Status: 'completed', SnapshotId: 'snap-9' } }] });
  ec2Mock.on(CreateTagsCommand).resolves({});
  ec2Mock.on(RegisterImageCommand).resolves({ ImageId: 'ami-9' });
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

const amiSpec = (): NodeImage =>
  nodeImageSchema.parse(minimalInput({ outputs: [{ format: 'qcow2' }, { format: 'ami', region: 'eu-west-1', bucket: 'stamper-imports' }] }));

function fakeContext(spec: NodeImage, events: PipelineEvent[]): StageContext {
  return {
    spec,
    buildKey: 'a'.repeat(64),
    workDir,
    stageDir: join(workDir, 'stages', 'publish'),
    outDir: join(workDir, 'out'),
    cacheDir: join(workDir, 'cache'),
    cacheOutDir: join(workDir, 'cache-out'),
    signal: new AbortController().signal,
    log: (line) => events.push({ type: 'log', stage: 'publish', stream: 'info', line }),
    progress: (percent, message) => events.push({ type: 'progress', stage: 'publish', percent, ...(message ? { message } : {}) }),
    exec: () => Promise.reject(new Error('publish runs no programs')),
    artifacts: { add: () => Promise.reject(new Error('unused')), list: () => [] },
    recordCheck: () => undefined,
    markTestImage: () => undefined,
    recordInputs: () => undefined,
    published: (image) => events.push({ type: 'published', image }),
    signer: { sign: () => Promise.reject(new Error('publish signs nothing')) },
  };
}

describe('publishStage', () => {
  it('runs only for specs with an AMI output', () => {
    expect(publishStage.name).toBe('publish');
    expect(planStages(amiSpec()).find((p) => p.name === 'publish')?.enabled).toBe(true);
    expect(planStages(nodeImageSchema.parse(minimalInput())).map((p) => p.name)).not.toContain('publish');
  });

  it('publishes the raw disk and emits a published event with the console URL', async () => {
    const events: PipelineEvent[] = [];
    const stage = createPublishStage({
      clients: { s3: () => s3, ec2: () => ec2 },
      timing: { import: { intervalMs: 1, timeoutMs: 1000, maxTransientErrors: 1 } },
      now: () => new Date(0),
    });
    await stage.run(fakeContext(amiSpec(), events));
    const published = events.filter((e) => e.type === 'published');
    expect(published).toEqual([
      {
        type: 'published',
        image: {
          provider: 'aws',
          region: 'eu-west-1',
          imageId: 'ami-9',
          name: 'capa-ami-debian-13-v1.35.3-0',
          snapshotId: 'snap-9',
          consoleUrl: 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#ImageDetails:imageId=ami-9',
        },
      },
    ]);
    expect(events.some((e) => e.type === 'progress' && e.percent === 100)).toBe(true);
  });

  it('says which file is missing when the disk stage left no raw disk', async () => {
    const events: PipelineEvent[] = [];
    const ctx = { ...fakeContext(amiSpec(), events), workDir: join(workDir, 'nowhere') };
    await expect(createPublishStage({ clients: { s3: () => s3, ec2: () => ec2 } }).run(ctx)).rejects.toThrow(/raw disk.*nowhere\/disk\.raw is missing/);
  });
});
