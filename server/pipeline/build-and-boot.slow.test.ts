import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseXml } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey } from '../../src/spec/build-key';
import { nodeImageSchema, type NodeImage, type NodeImageInput } from '../../src/spec/schema';
import { sha256File } from '../signing/sha256sums';
import { PipelineAbortError, PipelineError } from './errors';
import type { PipelineEvent } from './events';
import { runProcess } from './exec';
import { type PipelineResult, runPipeline } from './run-pipeline';
import { keyDirSigner } from '../signing/sign-sums';
import { containerdReleaseFromDebian } from '../testing/containerd-release';
import { type KubernetesAptRepo, startKubernetesAptRepo, writeKubernetesBinaries } from '../stand-in/kubernetes-apt-repo';
import { BootCheckError, bootAndCheck } from './verify/boot-check';
import { guestExpectations } from './verify/expectations';
import { rootPartitionOffset } from './verify/inject-check';

/**
 * One real cold build with every customization, reused for several assertions, then a
 * warm build (different Kubernetes version, UEFI) from the cached base tree. Kubernetes
 * comes from a signed apt repository on 127.0.0.1 that this suite builds.
 */
const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
// Shared with the other slow suites (scripts/test.sh sets it) so one base tree serves them all.
const cacheDir = process.env.STAMPER_CACHE_DIR ?? join(SLOW_ROOT, 'cache');

let repo: KubernetesAptRepo;
let scratch: string;
let sshPublicKey: string;

beforeAll(async () => {
  repo = await startKubernetesAptRepo(join(SLOW_ROOT, 'k8s-repo'), [
    { kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' },
    { kubernetes: '1.34.5', crictl: '1.34.0', cni: '1.7.1' },
    { kubernetes: '1.36.2', crictl: '1.36.0', cni: '1.8.0' },
  ]);
  scratch = await mkdtemp(join(tmpdir(), 'stamper-slow-'));
  await runProcess('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ops@stamper-test', '-f', join(scratch, 'id_ed25519')]);
  sshPublicKey = (await readFile(join(scratch, 'id_ed25519.pub'), 'utf8')).trim();
});

afterAll(async () => {
  await repo?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function image(name: string, spec: NodeImageInput['spec']): NodeImage {
  return nodeImageSchema.parse({ apiVersion: 'stamper/v1alpha1', kind: 'NodeImage', metadata: { name }, spec });
}

async function build(
  img: NodeImage,
  label: string,
  signal = new AbortController().signal,
): Promise<{ result: PipelineResult; events: PipelineEvent[]; outDir: string }> {
  const events: PipelineEvent[] = [];
  const outDir = join(scratch, label, 'out');
  const result = await runPipeline({
    spec: img,
    buildKey: await buildKey(img),
    workDir: join(scratch, label, 'work'),
    outDir,
    cacheDir,
    signal,
    signer: keyDirSigner(join(scratch, 'keys')),
    emit: (e) => events.push(e),
  });
  return { result, events, outDir };
}

describe('cold build with customizations', () => {
  let img: NodeImage;
  let built: Awaited<ReturnType<typeof build>>;

  beforeAll(async () => {
    img = image('slow-node', {
      kubernetes: { version: '1.35.3', source: { type: 'apt', repository: repo.url } },
      packages: ['jq'],
      users: [{ name: 'ops', groups: ['adm'], sudo: true, sshAuthorizedKeys: [sshPublicKey] }],
      files: [{ path: '/etc/stamper-test/hello.conf', content: 'hello from the spec\n', mode: '0640', owner: 'ops:ops' }],
      sysctl: { 'vm.max_map_count': '262144' },
      kernelArgs: ['stamper.test=1'],
      disk: { sizeGiB: 4, firmware: 'hybrid' },
      outputs: [{ format: 'ova' }, { format: 'qcow2' }, { format: 'raw' }],
      verify: { enabled: true, timeoutSeconds: 420 },
    });
    built = await build(img, 'cold');
  });

  it('passes every boot check, including the spec customizations inside the VM', () => {
    const names = built.result.verify.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'multi-user',
        'containerd-active',
        'kubernetes-version',
        'kubelet-enabled',
        'kernel-modules',
        'sysctls',
        'swap-off',
        'ssh-host-keys',
        'packages-held',
        'users',
        'files',
        'packages',
        'kernel-args',
        'capi-bootstrap',
      ]),
    );
    expect(built.result.verify.filter((c) => !c.ok)).toEqual([]);
    expect(built.result.verify.find((c) => c.name === 'kubernetes-version')?.detail).toContain('v1.35.3');
    // the same boot took CABPK-shaped user-data from a NoCloud seed: cloud-init wrote the join
    // config, ran `kubeadm join --config` on it (the stand-in recorded the call) and then the sentinel
    const bootstrap = built.result.verify.find((c) => c.name === 'capi-bootstrap')?.detail ?? '';
    expect(bootstrap).toContain('cloud-init datasource DataSourceNoCloud');
    expect(bootstrap).toContain('join config written');
    expect(bootstrap).toContain('kubeadm join --config ran and read it');
    expect(bootstrap).toContain('sentinel present');
  });

  it('reports every stage started and succeeded with progress in order', () => {
    for (const name of ['rootfs', 'kubernetes', 'configure', 'sbom', 'disk', 'formats', 'verify']) {
      const stageEvents = built.events.filter((e) => e.type === 'stage' && e.stage === name);
      expect(stageEvents.map((e) => e.type === 'stage' && e.status)).toEqual(['started', 'succeeded']);
      const percents = built.events.flatMap((e) => (e.type === 'progress' && e.stage === name ? [e.percent] : []));
      expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    }
    expect(built.result.stages.every((s) => s.status === 'succeeded' && s.durationMs >= 0)).toBe(true);
  });

  it('writes an OVA with the OVF first, a matching SHA-256 manifest and a stream-optimized VMDK', async () => {
    const ova = join(built.outDir, 'slow-node.ova');
    const listing = await runProcess('tar', ['-tf', ova], { captureStdout: true });
    expect(listing.stdout.trim().split('\n')).toEqual(['slow-node.ovf', 'slow-node.mf', 'slow-node-disk1.vmdk']);
    const dir = join(scratch, 'ova');
    await runProcess('mkdir', ['-p', dir]);
    await runProcess('tar', ['-xf', ova, '-C', dir]);
    const ovf = await readFile(join(dir, 'slow-node.ovf'), 'utf8');
    const parsed = parseXml(ovf, { ignoreAttributes: false }) as { Envelope?: { VirtualSystem?: unknown } };
    expect(parsed.Envelope?.VirtualSystem).toBeDefined();
    expect(ovf).toContain('<rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>');
    expect(ovf).toContain('<rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>');
    expect(ovf).toContain('ovf:key="KUBERNETES_SEMVER" ovf:type="string" ovf:userConfigurable="false" ovf:value="v1.35.3"');
    expect(ovf).toContain(`ovf:size="${(await stat(join(dir, 'slow-node-disk1.vmdk'))).size}"`);
    const manifest = await readFile(join(dir, 'slow-node.mf'), 'utf8');
    for (const file of ['slow-node.ovf', 'slow-node-disk1.vmdk']) {
      expect(manifest).toContain(`SHA256(${file})= ${await sha256File(join(dir, file))}\n`);
    }
    const info = await runProcess('vmdkinfo', [join(dir, 'slow-node-disk1.vmdk')], { captureStdout: true });
    expect(info.stdout).toMatch(/Disk type:\s+Stream optimized/);
  });

  it('converts losslessly: qemu-img compare finds raw and qcow2 identical', async () => {
    const compare = await runProcess('qemu-img', ['compare', join(built.outDir, 'slow-node.raw'), join(built.outDir, 'slow-node.qcow2')], {
      allowFailure: true,
      captureStdout: true,
    });
    expect(compare.stdout).toContain('Images are identical');
    expect(compare.code).toBe(0);
  });

  it('hashes every artifact and writes an SPDX SBOM with the pinned kubelet and the extra package', async () => {
    for (const artifact of built.result.artifacts) expect(await sha256File(artifact.path)).toBe(artifact.sha256);
    const sbom = JSON.parse(await readFile(join(built.outDir, 'slow-node.spdx.json'), 'utf8')) as {
      spdxVersion: string;
      packages: { name: string; versionInfo: string }[];
    };
    expect(sbom.spdxVersion).toBe('SPDX-2.3');
    expect(sbom.packages.find((p) => p.name === 'kubelet')?.versionInfo).toBe('1.35.3-1.1');
    expect(sbom.packages.some((p) => p.name === 'jq')).toBe(true);
  });

  /** Boots one of the build's disks again with the check unit; the console tail goes into the test report. */
  async function bootBuilt(sourceDisk: string, sourceFormat: 'raw' | 'vmdk', firmware: 'bios' | 'uefi', hardware: 'virtio' | 'vsphere') {
    const result = await bootAndCheck({
      sourceDisk,
      sourceFormat,
      scratchDir: join(scratch, `boot-${hardware}-${firmware}`),
      firmware,
      hardware,
      expectations: guestExpectations(img, await buildKey(img)),
      timeoutMs: 420_000,
      exec: (command, args, options) => runProcess(command, args, options),
    }).catch((error: unknown) => {
      throw error instanceof BootCheckError ? new Error(`${error.message}\n${error.serialTail.join('\n')}`) : error;
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.checks.length).toBeGreaterThan(10);
  }

  it('boots the same hybrid disk with UEFI firmware as well (the build itself booted it with BIOS)', async () => {
    await bootBuilt(join(built.outDir, 'slow-node.raw'), 'raw', 'uefi', 'virtio');
  });

  it("boots the OVA's VMDK on vSphere-like hardware (i440fx, PVSCSI, VMXNET3)", async () => {
    await bootBuilt(join(scratch, 'ova', 'slow-node-disk1.vmdk'), 'vmdk', 'bios', 'vsphere');
  });
});

describe('warm build from the cached base tree', () => {
  it('only re-runs what changed when the Kubernetes version changes, and boots with UEFI', async () => {
    // same OS layer as the cold build above: same packages, runtime and release
    const img = image('slow-node-warm', {
      kubernetes: { version: '1.34.5', source: { type: 'apt', repository: repo.url } },
      packages: ['jq'],
      disk: { sizeGiB: 4, firmware: 'uefi' },
      outputs: [{ format: 'qcow2', compression: 'zstd' }],
      verify: { enabled: true, timeoutSeconds: 420 },
    });
    const warm = await build(img, 'warm');
    expect(warm.events.some((e) => e.type === 'log' && e.stage === 'rootfs' && /restoring base tree/.test(e.line))).toBe(true);
    const rootfs = warm.result.stages.find((s) => s.name === 'rootfs');
    expect(rootfs?.durationMs).toBeLessThan(30_000);
    expect(warm.result.verify.find((c) => c.name === 'kubernetes-version')?.detail).toContain('v1.34.5');
    expect(warm.result.verify.filter((c) => !c.ok)).toEqual([]);
    // the sign stage runs in every plan: the checksum list and its signature sit beside the image
    expect((await readdir(warm.outDir)).sort()).toEqual(['SHA256SUMS', 'SHA256SUMS.sig', 'slow-node-warm.qcow2', 'slow-node-warm.spdx.json']);
    const sums = await readFile(join(warm.outDir, 'SHA256SUMS'), 'utf8');
    expect(sums).toMatch(/^[0-9a-f]{64} {2}slow-node-warm\.qcow2$/m);
  });
});

describe('Kubernetes from release binaries', () => {
  const release = { kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' };
  // no extra packages: a package set of its own, so this builds its own base tree once
  const spec = (baseUrl: string, sha256: Awaited<ReturnType<typeof writeKubernetesBinaries>>['sha256']): NodeImageInput['spec'] => ({
    kubernetes: { version: release.kubernetes, source: { type: 'binaries', baseUrl, sha256 } },
    disk: { sizeGiB: 4, firmware: 'bios' },
    outputs: [{ format: 'qcow2' }],
    verify: { enabled: true, timeoutSeconds: 420 },
  });

  it('installs checked binaries with the kubelet unit, and the node boots with them', async () => {
    const binaries = await writeKubernetesBinaries(repo.dir, release);
    const built = await build(image('slow-binaries', spec(`${repo.url}${binaries.path}`, binaries.sha256)), 'binaries');
    const log = built.events.flatMap((e) => (e.type === 'log' && e.stage === 'kubernetes' ? [e.line] : []));
    expect(built.events.some((e) => e.type === 'progress' && e.stage === 'kubernetes' && /downloading crictl/.test(e.message ?? ''))).toBe(true);
    expect(log.some((line) => /apt-get/.test(line))).toBe(false);
    const names = built.result.verify.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['multi-user', 'containerd-active', 'kubernetes-version', 'kubelet-enabled']));
    // nothing to hold: the binaries come from no package
    expect(names).not.toContain('packages-held');
    expect(built.result.verify.find((c) => c.name === 'kubernetes-version')?.detail).toContain('v1.35.3');
    expect(built.result.verify.filter((c) => !c.ok)).toEqual([]);
  });

  it('fails in the kubernetes stage, naming the file, when a binary does not match its SHA-256', async () => {
    const binaries = await writeKubernetesBinaries(repo.dir, release);
    const wrong = { ...binaries.sha256, kubectl: '0'.repeat(64) };
    const error = await build(image('slow-binaries-bad', spec(`${repo.url}${binaries.path}`, wrong)), 'binaries-bad').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).stage).toBe('kubernetes');
    expect((error as PipelineError).message).toMatch(/kubectl: SHA-256 mismatch/);
  });
});

describe('Kubernetes 1.36 with containerd 2.x from a release tarball', () => {
  it('unpacks the checked tarball to /usr/local, writes the v3 config, and containerd 2.x runs in the booted node', async () => {
    const release = await containerdReleaseFromDebian(join(repo.dir, 'containerd'));
    const url = `${repo.url}containerd/${release.file}`;
    const img = image('slow-containerd2', {
      runtime: { source: 'upstream', version: release.version, upstream: { url, sha256: release.sha256 } },
      kubernetes: { version: '1.36.2', source: { type: 'apt', repository: repo.url } },
      disk: { sizeGiB: 4, firmware: 'bios' },
      outputs: [{ format: 'raw' }],
      verify: { enabled: true, timeoutSeconds: 420 },
    });
    const built = await build(img, 'containerd2');
    expect(built.events.some((e) => e.type === 'log' && e.stage === 'rootfs' && e.line.includes(`downloading containerd ${release.version} from ${url}`))).toBe(
      true,
    );
    // no distro containerd in the image: the one running is the tarball's
    const sbom = JSON.parse(await readFile(join(built.outDir, 'slow-containerd2.spdx.json'), 'utf8')) as { packages: { name: string }[] };
    expect(sbom.packages.map((p) => p.name)).not.toContain('containerd');
    const raw = join(built.outDir, 'slow-containerd2.raw');
    const config = await runProcess('debugfs', ['-R', 'cat /etc/containerd/config.toml', `${raw}?offset=${await rootPartitionOffset(runProcess, raw)}`], {
      captureStdout: true,
      quiet: true,
    });
    expect(config.stdout).toMatch(/^version = 3$/m);
    expect(built.result.verify.find((c) => c.name === 'containerd-active')).toEqual({
      name: 'containerd-active',
      ok: true,
      detail: 'containerd.service active',
    });
    expect(built.result.verify.find((c) => c.name === 'kubernetes-version')?.detail).toContain('v1.36.2');
    expect(built.result.verify.filter((c) => !c.ok)).toEqual([]);
  });
});

describe('failures and cancellation', () => {
  it('fails early and clearly when the mirror is unreachable', async () => {
    const img = image('no-mirror', {
      os: { distro: 'debian', release: 'trixie', arch: 'amd64', mirror: 'http://127.0.0.1:9/debian' },
      outputs: [{ format: 'qcow2' }],
    });
    const started = Date.now();
    const error = await build(img, 'no-mirror').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as PipelineError).stage).toBe('rootfs');
    expect((error as PipelineError).message).toMatch(/unreachable/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('cancels a running bootstrap within seconds and leaves no mmdebstrap behind', async () => {
    // a package set no earlier test used, so the base tree is not cached and mmdebstrap runs
    const img = image('canceled', {
      packages: ['tree'],
      kubernetes: { version: '1.35.3', source: { type: 'apt', repository: repo.url } },
      outputs: [{ format: 'qcow2' }],
    });
    const controller = new AbortController();
    const run = build(img, 'canceled', controller.signal);
    await new Promise((r) => setTimeout(r, 6000));
    const abortedAt = Date.now();
    controller.abort();
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineAbortError);
    expect(Date.now() - abortedAt).toBeLessThan(10_000);
    const left = await runProcess('pgrep', ['-f', join(scratch, 'canceled')], { allowFailure: true, captureStdout: true });
    expect(left.stdout.trim()).toBe('');
  });
});
