import { createHash } from 'node:crypto';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../exec';
import { type ContainerDisk, writeContainerDisk } from './containerdisk';
import { blobPath } from './oci/oci-layout';

/**
 * The containerDisk layout is read back by tools Stamper did not write: GNU tar (the layer's
 * owners and modes), skopeo (the layout and the oci-archive as images) and umoci (unpacking
 * the layer the way a runtime would), and the disk inside by qemu-img.
 */
const has = (tool: string) =>
  access(`/usr/bin/${tool}`).then(
    () => true,
    () => false,
  );
const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('writeContainerDisk', () => {
  let dir: string;
  let qcow2: string;
  let disk: ContainerDisk;
  const created = new Date('2026-03-01T12:00:00Z');

  const write = (name: string) =>
    writeContainerDisk({
      exec: runProcess,
      qcow2Path: qcow2,
      diskFileName: 'node.qcow2',
      layoutDir: join(dir, name, 'layout'),
      archivePath: join(dir, name, 'node.containerdisk.oci.tar'),
      tag: 'v1.35.3',
      architecture: 'amd64',
      created,
      annotations: { 'org.opencontainers.image.title': 'node' },
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-containerdisk-'));
    qcow2 = join(dir, 'node.qcow2');
    await runProcess('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '64M']);
    await runProcess('mkdir', ['-p', join(dir, 'a'), join(dir, 'b')]);
    disk = await write('a');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('puts the qcow2 under /disk/ owned by 107:107, the qemu user KubeVirt reads it as, in one layer', async () => {
    const layer = blobPath(disk.image.layoutDir, disk.image.layer.digest);
    const listing = await runProcess('tar', ['--numeric-owner', '-tvf', layer], { captureStdout: true, quiet: true });
    const lines = listing.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^dr-xr-xr-x 107\/107 +0 .* disk\/$/);
    expect(lines[1]).toMatch(/^-r--r----- 107\/107 +\d+ .* disk\/node\.qcow2$/);
    expect(disk.image.layer.mediaType).toBe('application/vnd.oci.image.layer.v1.tar');
    expect(`sha256:${await sha256(layer)}`).toBe(disk.image.layer.digest);
  });

  it('gives the same digests for the same disk and date (reproducible)', async () => {
    const again = await write('b');
    expect(again.image.manifest.digest).toBe(disk.image.manifest.digest);
    expect(again.image.layer.digest).toBe(disk.image.layer.digest);
  });

  it('is an image skopeo reads, as a layout and as the oci-archive artifact, with the manifest digest Stamper computed', async (context) => {
    if (!(await has('skopeo'))) context.skip('skopeo is not installed (Debian package skopeo)');
    for (const ref of [`oci:${disk.image.layoutDir}:v1.35.3`, `oci-archive:${disk.archivePath}:v1.35.3`]) {
      const inspect = await runProcess('skopeo', ['inspect', ref], { captureStdout: true, quiet: true });
      const info = JSON.parse(inspect.stdout) as { Digest: string; Layers: string[]; Architecture: string; Os: string };
      expect(info).toMatchObject({ Digest: disk.image.manifest.digest, Layers: [disk.image.layer.digest], Architecture: 'amd64', Os: 'linux' });
    }
    const raw = await runProcess('skopeo', ['inspect', '--raw', `oci:${disk.image.layoutDir}:v1.35.3`], { captureStdout: true, quiet: true });
    expect(JSON.parse(raw.stdout)).toMatchObject({ annotations: { 'org.opencontainers.image.title': 'node' }, config: { digest: disk.image.config.digest } });
  });

  it('unpacks with umoci into a /disk/node.qcow2 identical to the build’s qcow2, which qemu-img reads', async (context) => {
    if (!(await has('umoci'))) context.skip('umoci is not installed (Debian package umoci)');
    const bundle = join(dir, 'bundle');
    await runProcess('umoci', ['unpack', '--rootless', '--image', `${disk.image.layoutDir}:v1.35.3`, bundle], { quiet: true });
    const unpacked = join(bundle, 'rootfs', 'disk', 'node.qcow2');
    expect(await sha256(unpacked)).toBe(await sha256(qcow2));
    const info = await runProcess('qemu-img', ['info', '--output=json', unpacked], { captureStdout: true, quiet: true });
    expect(JSON.parse(info.stdout)).toMatchObject({ format: 'qcow2', 'virtual-size': 64 * 1024 ** 2 });
    const tags = await runProcess('umoci', ['ls', '--layout', disk.image.layoutDir], { captureStdout: true, quiet: true });
    expect(tags.stdout.trim()).toBe('v1.35.3');
  });

  it('refuses a disk name that would leave /disk/', async () => {
    await expect(
      writeContainerDisk({
        exec: runProcess,
        qcow2Path: qcow2,
        diskFileName: '../x',
        layoutDir: join(dir, 'c'),
        archivePath: join(dir, 'c.tar'),
        tag: 't',
        architecture: 'amd64',
        created,
      }),
    ).rejects.toThrow(/must not contain/);
  });
});
