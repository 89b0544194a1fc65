import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey } from '../../src/spec/build-key';
import { nodeImageSchema, type NodeImage } from '../../src/spec/schema';
import { type KubernetesAptRepo, startKubernetesAptRepo } from '../stand-in/kubernetes-apt-repo';
import { type TestRegistry, startTestRegistry } from '../testing/oci-registry';
import type { PipelineEvent } from './events';
import { runProcess } from './exec';
import { checkFixedVhd, checkGceTar, checkVhdx } from './formats/format-checks';
import { type PipelineResult, runPipeline } from './run-pipeline';
import { keyDirSigner } from '../signing/sign-sums';
import { BootCheckError, bootAndCheck } from './verify/boot-check';
import { guestExpectations } from './verify/expectations';
import { rootPartitionOffset } from './verify/inject-check';

/**
 * One real build for six provider targets (one image, several files), then boots of the
 * Azure VHD, the Hyper-V VHDX and the OpenStack qcow2 with the same node checks and
 * Cluster API bootstrap check the build's own verify ran on the raw disk. The KubeVirt
 * containerDisk is pushed, as the spec asks, to a real registry on loopback and read back. What only a real cloud proves (the import itself, the agents talking to
 * their hypervisor) is out of reach here; what this proves is that every file is the same
 * sound disk, that each passes its format's independent check, and that the agents are in
 * the image and stay inert under QEMU.
 */
const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
const cacheDir = process.env.STAMPER_CACHE_DIR ?? join(SLOW_ROOT, 'cache');
const SIZE_GIB = 4;

let repo: KubernetesAptRepo;
let registry: TestRegistry | null;
let scratch: string;
let img: NodeImage;
let key: string;
let result: PipelineResult;
const events: PipelineEvent[] = [];

beforeAll(async () => {
  repo = await startKubernetesAptRepo(join(SLOW_ROOT, 'k8s-repo'), [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]);
  scratch = await mkdtemp(join(tmpdir(), 'stamper-providers-'));
  registry = await startTestRegistry(join(scratch, 'registry'));
  if (!registry) throw new Error('docker-registry is missing (apt-get install -y docker-registry): the containerDisk push needs it');
  img = nodeImageSchema.parse({
    apiVersion: 'stamper/v1alpha1',
    kind: 'NodeImage',
    metadata: { name: 'multi' },
    spec: {
      kubernetes: { version: '1.35.3', source: { type: 'apt', repository: repo.url } },
      disk: { sizeGiB: SIZE_GIB, firmware: 'hybrid' },
      outputs: [
        { format: 'ova', targets: ['vsphere'] },
        { format: 'vhd', targets: ['azure'] },
        { format: 'gce-tar', targets: ['gcp'] },
        { format: 'qcow2', targets: ['openstack'] },
        { format: 'vhdx', targets: ['hyperv'] },
        { format: 'containerdisk', targets: ['kubevirt'], push: { reference: `${registry.host}/nodes/multi`, plainHttp: true } },
      ],
      verify: { enabled: true, timeoutSeconds: 480 },
    },
  });
  key = await buildKey(img);
  result = await runPipeline({
    spec: img,
    buildKey: key,
    workDir: join(scratch, 'work'),
    outDir: join(scratch, 'out'),
    cacheDir,
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
    signer: keyDirSigner(join(scratch, 'keys')),
  });
});

afterAll(async () => {
  await repo?.close();
  await registry?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const out = (file: string) => join(scratch, 'out', file);

describe('one build for vSphere, Azure, GCP, OpenStack, Hyper-V and KubeVirt', () => {
  it('passes the boot check on the raw disk with no failed unit (the agents stay off under QEMU)', () => {
    expect(result.verify.filter((c) => !c.ok)).toEqual([]);
    expect(result.verify.find((c) => c.name === 'multi-user')?.detail).toContain('failed units: none');
  });

  it('writes each target’s file and metadata', () => {
    const names = result.artifacts.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['multi.ova', 'multi.vhd', 'multi-gce.tar.gz', 'multi.qcow2', 'multi.vhdx', 'multi.spdx.json']));
    for (const target of ['vsphere', 'azure', 'gcp', 'openstack', 'hyperv']) expect(names).toContain(`multi-${target}.metadata.json`);
    // KubeVirt's containerDisk: the OCI archive, its qcow2 under /disk/ (the fast test checks the layout with skopeo and umoci)
    expect(names).toContain('multi.containerdisk.oci.tar');
  });

  it('pushes the containerDisk to the registry the spec names, and the registry serves back the same image', async () => {
    const pushed = events.flatMap((e) => (e.type === 'published' && e.image.provider === 'kubevirt' ? [e.image] : []));
    expect(pushed).toEqual([{ provider: 'kubevirt', reference: `${registry?.host ?? ''}/nodes/multi:v1.35.3`, digest: expect.stringMatching(/^sha256:/) }]);
    const inspect = async (ref: string) =>
      JSON.parse((await runProcess('skopeo', ['inspect', '--tls-verify=false', ref], { captureStdout: true, quiet: true })).stdout) as {
        Digest: string;
        Layers: string[];
      };
    const remote = await inspect(`docker://${pushed[0]?.reference ?? ''}`);
    const archive = await inspect(`oci-archive:${out('multi.containerdisk.oci.tar')}:v1.35.3`);
    expect(remote.Digest).toBe(pushed[0]?.digest);
    expect(remote).toEqual(expect.objectContaining({ Digest: archive.Digest, Layers: archive.Layers }));
  });

  it('passes every format’s independent check, and every file holds the same disk', async () => {
    const bytes = SIZE_GIB * 1024 ** 3;
    await checkFixedVhd(runProcess, out('multi.vhd'), bytes);
    await checkVhdx(runProcess, out('multi.vhdx'), bytes);
    await checkGceTar(runProcess, out('multi-gce.tar.gz'), bytes);
    for (const [format, file] of [
      ['vpc', 'multi.vhd'],
      ['vhdx', 'multi.vhdx'],
    ]) {
      const compare = await runProcess('qemu-img', ['compare', '-f', format ?? '', '-F', 'qcow2', out(file ?? ''), out('multi.qcow2')], {
        captureStdout: true,
      });
      expect(compare.stdout).toContain('Images are identical');
    }
  });

  it('lists every chosen agent in the SBOM', async () => {
    const sbom = JSON.parse(await readFile(out('multi.spdx.json'), 'utf8')) as { packages: { name: string }[] };
    const names = sbom.packages.map((p) => p.name);
    for (const agent of ['open-vm-tools', 'waagent', 'hyperv-daemons', 'google-guest-agent', 'qemu-guest-agent']) expect(names).toContain(agent);
  });

  it('carries the datasources, the agent drop-ins and Azure’s agent settings in the image', async () => {
    // the fixed VHD has the raw disk's layout, so debugfs reads its root file system in place
    const vhd = out('multi.vhd');
    const at = `${vhd}?offset=${await rootPartitionOffset(runProcess, vhd)}`;
    const cat = async (path: string) => (await runProcess('debugfs', ['-R', `cat ${path}`, at], { captureStdout: true, quiet: true })).stdout;
    expect(await cat('/etc/cloud/cloud.cfg.d/90-stamper-datasources.cfg')).toBe('datasource_list: [ NoCloud, ConfigDrive, Azure, VMware, GCE, OpenStack ]\n');
    expect(await cat('/etc/systemd/system/google-guest-agent.service.d/stamper-provider.conf')).toContain('ConditionVirtualization=|google');
    expect(await cat('/etc/systemd/system/open-vm-tools.service.d/stamper-provider.conf')).toContain('ConditionVirtualization=|vmware');
    expect(await cat('/etc/waagent.conf')).toMatch(/^Provisioning\.Agent=cloud-init$/m);
  });

  it('puts image-builder’s keys into the OVA’s ProductSection', async () => {
    const ovf = (await runProcess('tar', ['-xOf', out('multi.ova'), 'multi.ovf'], { captureStdout: true })).stdout;
    for (const property of [
      'KUBERNETES_SEMVER" ovf:type="string" ovf:userConfigurable="false" ovf:value="v1.35.3',
      'DISTRO_NAME',
      'CONTAINERD_VERSION',
      'BUILD_TIMESTAMP',
    ]) {
      expect(ovf).toContain(`ovf:key="${property}`);
    }
    expect(ovf).toContain('<vssd:VirtualSystemType>vmx-15</vssd:VirtualSystemType>');
  });

  async function bootProduced(file: string, sourceFormat: 'vpc' | 'vhdx' | 'qcow2') {
    const boot = await bootAndCheck({
      sourceDisk: out(file),
      sourceFormat,
      scratchDir: join(scratch, `boot-${sourceFormat}`),
      firmware: 'bios',
      hardware: 'virtio',
      expectations: guestExpectations(img, key),
      timeoutMs: 480_000,
      exec: (command, args, options) => runProcess(command, args, options),
    }).catch((error: unknown) => {
      throw error instanceof BootCheckError ? new Error(`${error.message}\n${error.serialTail.join('\n')}`) : error;
    });
    expect(boot.checks.filter((c) => !c.ok)).toEqual([]);
    expect(boot.checks.length).toBeGreaterThan(10);
    // the same boot carried CABPK-shaped user-data: the join config, kubeadm join --config and the sentinel
    expect(boot.checks.find((c) => c.name === 'capi-bootstrap')).toMatchObject({ ok: true });
  }

  it('boots the Azure fixed VHD through QEMU’s vpc driver and passes the node checks', async () => {
    await bootProduced('multi.vhd', 'vpc');
  });

  it('boots the Hyper-V VHDX through QEMU’s vhdx driver and passes the node checks', async () => {
    await bootProduced('multi.vhdx', 'vhdx');
  });

  it('boots the OpenStack qcow2 (one file of a provider-profile build) and passes the node checks and the bootstrap check', async () => {
    await bootProduced('multi.qcow2', 'qcow2');
  });
});
