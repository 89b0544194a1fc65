import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../exec';
import { capiBootstrapExpectation, capiBootstrapSeed } from './capi-bootstrap';
import { writeNoCloudSeed } from './nocloud-seed';

describe('writeNoCloudSeed', () => {
  let dir: string;
  let iso: string;
  const seed = capiBootstrapSeed(capiBootstrapExpectation('1.35.3', 'abcdef0123456789'));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-seed-'));
    iso = await writeNoCloudSeed(runProcess, dir, seed);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('labels the volume "cidata", the label cloud-init looks for with blkid', async () => {
    const label = await runProcess('blkid', ['-o', 'value', '-s', 'LABEL', iso], { captureStdout: true, quiet: true });
    expect(label.stdout.trim()).toBe('cidata');
    const type = await runProcess('blkid', ['-o', 'value', '-s', 'TYPE', iso], { captureStdout: true, quiet: true });
    expect(type.stdout.trim()).toBe('iso9660');
  });

  it('holds user-data and meta-data under their Rock Ridge names, byte for byte', async () => {
    const read = async (name: string) => (await runProcess('isoinfo', ['-R', '-i', iso, '-x', `/${name}`], { captureStdout: true, quiet: true })).stdout;
    expect(await read('user-data')).toBe(seed.userData);
    expect(await read('meta-data')).toBe(seed.metaData);
  });
});
