import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteSnapshotCommand, DeregisterImageCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, describe, expect, it } from 'vitest';
import type { PublishedAmi } from '../../../src/spec/build-events.ts';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { publishAmi } from './publish-ami.ts';

/**
 * The only test that talks to AWS. It runs when AWS_REGION, STAMPER_TEST_BUCKET (a bucket
 * in that region the vmimport role can read) and credentials from the standard chain are
 * present, and removes the AMI and snapshot it makes. STAMPER_TEST_DISK may name a raw
 * disk to upload; otherwise a 1 GiB GPT disk with an empty ext4 partition is made.
 */
const region = process.env.AWS_REGION;
const bucket = process.env.STAMPER_TEST_BUCKET;
const hasCredentials = Boolean(
  process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE || process.env.AWS_WEB_IDENTITY_TOKEN_FILE || process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
);
const missing = [!region && 'AWS_REGION', !bucket && 'STAMPER_TEST_BUCKET', !hasCredentials && 'AWS credentials (AWS_PROFILE or AWS_ACCESS_KEY_ID…)'].filter(
  Boolean,
);
if (missing.length > 0) console.info(`skipping the live AWS publish test: ${missing.join(', ')} not set (see docs/interop.md)`);

const published: PublishedAmi[] = [];
let scratch: string | undefined;

afterAll(async () => {
  for (const image of published) {
    const ec2 = new EC2Client({ region: image.region });
    await ec2.send(new DeregisterImageCommand({ ImageId: image.imageId })).catch(() => undefined);
    if (image.snapshotId) await ec2.send(new DeleteSnapshotCommand({ SnapshotId: image.snapshotId })).catch(() => undefined);
  }
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe.skipIf(missing.length > 0)('publishAmi against AWS (live)', () => {
  it('uploads, imports, registers and reports an AMI', { timeout: 90 * 60 * 1000 }, async () => {
    let diskPath = process.env.STAMPER_TEST_DISK;
    if (!diskPath) {
      scratch = await mkdtemp(join(tmpdir(), 'stamper-live-ami-'));
      diskPath = join(scratch, 'disk.raw');
      execFileSync('truncate', ['-s', '1G', diskPath]);
      execFileSync('sfdisk', ['--quiet', diskPath], { input: 'label: gpt\nstart=2048, type=linux\n' });
      execFileSync('mkfs.ext4', ['-q', '-E', `offset=${2048 * 512}`, diskPath, `${1024 * 1024 - 2048 / 2}k`]);
    }
    const image = nodeImageSchema.parse(
      minimalInput({ outputs: [{ format: 'ami', region: region ?? '', bucket: bucket ?? '', nameTemplate: 'stamper-live-test-{timestamp}' }] }),
    );
    const output = image.spec.outputs[0];
    if (output?.format !== 'ami') throw new Error('no AMI output');
    const result = await publishAmi({
      image,
      output,
      buildKey: 'live-test-'.padEnd(64, '0'),
      diskPath,
      timing: { import: { intervalMs: 15_000, timeoutMs: 80 * 60 * 1000, maxTransientErrors: 8 } },
      log: (line) => console.info(line),
    });
    published.push(...result);
    expect(result[0]?.imageId).toMatch(/^ami-[0-9a-f]+$/);
    expect(result[0]?.snapshotId).toMatch(/^snap-[0-9a-f]+$/);
  });
});
