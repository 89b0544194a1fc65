import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImage, type NodeImageInput } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { planStages } from '../../../src/spec/stage-plan';
import { createArtifactRegistry } from '../artifact-registry';
import { runProcess } from '../exec';
import type { StageContext } from '../stage';
import { makeTinyRootDisk } from '../../testing/tiny-root-disk';
import { formatsStage } from './formats';

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'stamper-formats-stage-'));
  await makeTinyRootDisk(workDir);
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

function contextFor(spec: NodeImage, run: string): StageContext {
  const stageDir = join(workDir, run, 'stages', 'formats');
  return {
    spec,
    buildKey: 'b'.repeat(64),
    workDir,
    stageDir,
    outDir: join(workDir, run, 'out'),
    cacheDir: join(workDir, 'cache'),
    signal: new AbortController().signal,
    log: () => undefined,
    progress: () => undefined,
    exec: (command, args, options) => runProcess(command, args, options),
    artifacts: createArtifactRegistry(() => undefined),
    recordCheck: () => undefined,
    markTestImage: () => undefined,
    published: () => undefined,
    recordInputs: () => undefined,
    cacheOutDir: join(workDir, 'cache'),
    signer: { sign: () => Promise.reject(new Error('the formats stage does not sign')) },
  };
}

async function runFormats(outputs: NonNullable<NodeImageInput['spec']['outputs']>, run: string): Promise<StageContext> {
  const ctx = contextFor(nodeImageSchema.parse({ ...minimalInput({ outputs }), metadata: { name: 'edge' } }), run);
  await mkdir(ctx.stageDir, { recursive: true });
  await mkdir(ctx.outDir, { recursive: true });
  await formatsStage.run(ctx);
  return ctx;
}

const sameDisk = (format: string, file: string) => runProcess('qemu-img', ['compare', '-f', format, '-F', 'raw', file, join(workDir, 'disk.raw')]);

describe('formatsStage with provider targets (64 MiB disk)', () => {
  let ctx: StageContext;
  beforeAll(async () => {
    ctx = await runFormats(
      [
        { format: 'vhd', targets: ['azure'] },
        { format: 'vhdx', targets: ['hyperv'] },
        { format: 'gce-tar', targets: ['gcp'] },
        { format: 'qcow2', targets: ['openstack', 'proxmox'] },
        { format: 'ova', targets: ['vsphere'] },
      ],
      'providers',
    );
  }, 120_000);

  it('records one artifact per file and one metadata document per target', () => {
    expect(ctx.artifacts.list().map((a) => [a.name, a.format])).toEqual(
      expect.arrayContaining([
        ['edge.vhd', 'vhd'],
        ['edge.vhdx', 'vhdx'],
        ['edge-gce.tar.gz', 'gce-tar'],
        ['edge.qcow2', 'qcow2'],
        ['edge.ova', 'ova'],
        ...['azure', 'hyperv', 'gcp', 'openstack', 'proxmox', 'vsphere'].map((t) => [`edge-${t}.metadata.json`, 'metadata']),
      ]),
    );
    expect(ctx.artifacts.list()).toHaveLength(11);
  });

  it('writes a fixed VHD that qemu-img reads back as the same disk, with the footer at the end', async () => {
    const vhd = join(ctx.outDir, 'edge.vhd');
    const { stdout } = await runProcess('qemu-img', ['info', '-f', 'vpc', '--output=json', vhd], { captureStdout: true });
    expect(JSON.parse(stdout)).toMatchObject({ format: 'vpc', 'virtual-size': 64 * 1024 * 1024 });
    expect((await stat(vhd)).size).toBe(64 * 1024 * 1024 + 512);
    const footer = (await readFile(vhd)).subarray(-512);
    expect(footer.subarray(0, 8).toString('latin1')).toBe('conectix');
    expect(footer.readUInt32BE(60)).toBe(2);
    await sameDisk('vpc', vhd);
  });

  it('writes a VHDX that passes qemu-img check and holds the same disk', async () => {
    const vhdx = join(ctx.outDir, 'edge.vhdx');
    await runProcess('qemu-img', ['check', '-f', 'vhdx', vhdx]);
    await sameDisk('vhdx', vhdx);
  });

  it('writes a GCE tarball that GNU tar lists as exactly disk.raw, sparse, and that unpacks to the same disk', async () => {
    const tarball = join(ctx.outDir, 'edge-gce.tar.gz');
    const { stdout } = await runProcess('tar', ['-tvf', tarball], { captureStdout: true });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).toMatch(/^-rw\S* 0\/0 +67108864 .* disk\.raw\n$/);
    const unpacked = join(workDir, 'providers', 'unpacked');
    await mkdir(unpacked, { recursive: true });
    await runProcess('tar', ['-xSzf', tarball, '-C', unpacked]);
    await runProcess('cmp', [join(unpacked, 'disk.raw'), join(workDir, 'disk.raw')]);
    // sparse in the tar: 64 MiB of mostly holes compresses to a few hundred KiB at most
    expect((await stat(tarball)).size).toBeLessThan(1024 * 1024);
  });

  it('labels each target the way its provider names images', async () => {
    const read = async (target: string) => JSON.parse(await readFile(join(ctx.outDir, `edge-${target}.metadata.json`), 'utf8')) as Record<string, unknown>;
    expect(await read('azure')).toMatchObject({ target: 'azure', file: 'edge.vhd', computeGallery: { version: '1.35.3' }, hyperVGeneration: 'V2' });
    expect(await read('openstack')).toMatchObject({ file: 'edge.qcow2', diskFormat: 'qcow2', properties: { os_distro: 'debian', hw_qemu_guest_agent: 'yes' } });
    expect(await read('gcp')).toMatchObject({ file: 'edge-gce.tar.gz', imageName: expect.stringMatching(/^cluster-api-debian-13-v1-35-3-\d+$/) });
    expect(await read('vsphere')).toMatchObject({ file: 'edge.ova', hardwareVersion: 'vmx-15', ovfProperties: { KUBERNETES_SEMVER: 'v1.35.3' } });
  });

  it('puts image-builder’s product line and keys into the OVA’s descriptor, first in the tar', async () => {
    const { stdout: names } = await runProcess('tar', ['-tf', join(ctx.outDir, 'edge.ova')], { captureStdout: true });
    expect(names.trim().split('\n')).toEqual(['edge.ovf', 'edge.mf', 'edge-disk1.vmdk']);
    const { stdout: ovf } = await runProcess('tar', ['-xOf', join(ctx.outDir, 'edge.ova'), 'edge.ovf'], { captureStdout: true });
    expect(ovf).toContain('<Product>debian 13 and Kubernetes v1.35.3</Product>');
    expect(ovf).toContain('<Category>Cluster API Provider (CAPI)</Category>');
    for (const key of ['KUBERNETES_SEMVER', 'CONTAINERD_VERSION', 'DISTRO_NAME', 'DISTRO_VERSION', 'DISTRO_ARCH', 'CNI_VERSION', 'BUILD_TIMESTAMP']) {
      expect(ovf).toContain(`ovf:key="${key}"`);
    }
  });
});

describe('formatsStage dispatch', () => {
  it('runs for an AMI output only when it has targets to record', () => {
    const withTargets = nodeImageSchema.parse(minimalInput({ outputs: [{ format: 'ami', region: 'eu-west-1', bucket: 'b-1', targets: ['aws'] }] }));
    const bare = nodeImageSchema.parse(minimalInput({ outputs: [{ format: 'ami', region: 'eu-west-1', bucket: 'b-1' }] }));
    const formatsPlanned = (image: NodeImage) => planStages(image).find((s) => s.name === 'formats')?.enabled;
    expect(formatsPlanned(withTargets)).toBe(true);
    expect(formatsPlanned(bare)).toBe(false);
  });
});
