import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey } from '../../src/spec/build-key';
import { exportPackerTemplate } from '../../src/spec/interop/packer-hcl';
import { nodeSettingsFiles } from '../../src/spec/node-files';
import { nodeImageSchema, type NodeImage } from '../../src/spec/schema';
import { runProcess } from '../pipeline/exec';
import { runPipeline } from '../pipeline/run-pipeline';
import { rootPartitionOffset } from '../pipeline/verify/inject-check';
import { keyDirSigner } from '../signing/sign-sums';
import { type KubernetesAptRepo, startKubernetesAptRepo } from '../stand-in/kubernetes-apt-repo';
import { STAND_IN_MARKER } from '../pipeline/kubernetes/stand-in';
import { runPacker } from './run-packer';

/**
 * The exported Packer template, built for real: Debian's packer (1.6) with its qemu
 * builder under software emulation boots a base disk, reaches it over SSH with the
 * password the template's cloud-init seed sets, runs every provisioning script and
 * shuts it down. No cloud image can be downloaded here, so the base disk is a Stamper
 * build of the same release (it already has cloud-init, sshd and sudo, as the cloud
 * image does); the provisioning then reinstalls and rewrites the node on top of it.
 * The figures are printed for the peers comparison.
 */
const SLOW_ROOT = process.env.STAMPER_SLOW_DIR ?? '/var/tmp/stamper-slow';
const cacheDir = process.env.STAMPER_CACHE_DIR ?? join(SLOW_ROOT, 'cache');
const packerMissing =
  spawnSync('packer', ['version']).status === 0
    ? null
    : 'packer is not installed (Debian 12 ships it; scripts/install-host-packages.sh installs it where it can)';

let repo: KubernetesAptRepo;
let scratch: string;
/** What the base disk was built from. */
let base: NodeImage;
/** What the template is exported from: the base's spec with other node settings, so the files the provisioning writes can be told from the base's. */
let image: NodeImage;
let packer: { status: number | null; output: string; seconds: number };
let outputDisk: string;

beforeAll(async () => {
  if (packerMissing) return;
  repo = await startKubernetesAptRepo(join(SLOW_ROOT, 'k8s-repo'), [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]);
  scratch = await mkdtemp(join(tmpdir(), 'stamper-packer-build-'));
  const spec = (sysctl: Record<string, string>): NodeImage =>
    nodeImageSchema.parse({
      apiVersion: 'stamper/v1alpha1',
      kind: 'NodeImage',
      metadata: { name: 'packer-node' },
      spec: {
        kubernetes: { version: '1.35.3', source: { type: 'apt', repository: repo.url } },
        packages: ['jq'],
        sysctl,
        disk: { sizeGiB: 4, firmware: 'bios' },
        outputs: [{ format: 'qcow2', compression: 'none' }],
        verify: { enabled: false },
      },
    });
  base = spec({ 'vm.max_map_count': '262144' });
  image = spec({ 'vm.max_map_count': '524288', 'net.core.somaxconn': '4096' });

  // the base disk: what a distro cloud image would be
  const started = Date.now();
  const built = await runPipeline({
    spec: base,
    buildKey: await buildKey(base),
    workDir: join(scratch, 'base-work'),
    outDir: join(scratch, 'base'),
    cacheDir,
    signal: new AbortController().signal,
    signer: keyDirSigner(join(scratch, 'keys')),
    emit: () => undefined,
  });
  process.stdout.write(`packer-build: base disk built by Stamper in ${((Date.now() - started) / 1000).toFixed(1)} s (not counted)\n`);
  const baseDisk = built.artifacts.find((a) => a.name === 'packer-node.qcow2');
  if (!baseDisk) throw new Error('the base build wrote no qcow2');
  await rm(join(scratch, 'base-work'), { recursive: true, force: true });

  // the user's steps, as the template's header gives them
  const dir = join(scratch, 'packer');
  await mkdir(join(dir, 'seed'), { recursive: true });
  await writeFile(join(dir, 'seed', 'user-data'), '#cloud-config\nssh_pwauth: true\npassword: stamper-build\nchpasswd: { expire: false }\n');
  await writeFile(join(dir, 'seed', 'meta-data'), 'instance-id: stamper-packer\nlocal-hostname: packer-node\n');
  // the template as exported, plus the guest's serial console in a file: what a failure is read from
  const template = exportPackerTemplate(image).replace('qemuargs         = [[', 'qemuargs         = [["-serial", "file:serial.log"], [');
  expect(template).toContain('"file:serial.log"');
  await writeFile(join(dir, 'packer-node.pkr.hcl'), template);
  const begun = Date.now();
  // asynchronously: the Kubernetes stand-in this process serves must answer the guest meanwhile
  const result = await runPacker(
    [
      'build',
      '-var',
      `source_image_url=file://${join(scratch, 'base', 'packer-node.qcow2')}`,
      '-var',
      'source_image_checksum=none',
      '-var',
      'accelerator=tcg',
      'packer-node.pkr.hcl',
    ],
    dir,
    15 * 60_000,
  );
  const serial = await readFile(join(dir, 'serial.log'), 'utf8').catch(() => '(no serial log)');
  packer = {
    status: result.status,
    output: `${result.output}\n--- guest serial console (tail) ---\n${serial.slice(-6000)}`,
    seconds: (Date.now() - begun) / 1000,
  };
  process.stdout.write(`packer-build: packer build of the exported template took ${packer.seconds.toFixed(1)} s (TCG)\n`);
  outputDisk = join(dir, 'output-packer-node', 'packer-node.qcow2');
}, 40 * 60_000);

afterAll(async () => {
  await repo?.close();
  if (scratch && !process.env.STAMPER_KEEP_PACKER_SCRATCH) await rm(scratch, { recursive: true, force: true });
});

describe.skipIf(Boolean(packerMissing))('packer build of the exported template', () => {
  it('boots the base disk, provisions it over SSH with every script and shuts it down', () => {
    expect(packer.status, packer.output.slice(-4000)).toBe(0);
    // one line per provisioner the template lists, each run to its end
    expect(packer.output).toContain('Provisioning with shell script');
    expect(packer.output).toMatch(/Builds finished\. The artifacts of successful builds are:/);
  });

  it('writes a sound qcow2 that holds the node files the native build writes', async () => {
    expect(await readdir(join(scratch, 'packer', 'output-packer-node'))).toContain('packer-node.qcow2');
    await runProcess('qemu-img', ['check', outputDisk], { quiet: true });
    const raw = join(scratch, 'packer-out.raw');
    await runProcess('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', outputDisk, raw], { quiet: true });
    const at = `${raw}?offset=${await rootPartitionOffset(runProcess, raw)}`;
    const cat = async (path: string) => (await runProcess('debugfs', ['-R', `cat ${path}`, at], { captureStdout: true, quiet: true })).stdout;
    // the base disk had the stand-in Kubernetes already; the provisioning installed it again from the stand-in
    // repository, which inside the VM is the QEMU host address the template rewrote 127.0.0.1 to
    expect(await cat('/usr/bin/kubelet')).toContain(STAND_IN_MARKER);
    expect(packer.output).toContain('http://10.0.2.2:');
    // the provisioning wrote the exported spec's sysctls, which the base disk did not have, from the node definition
    const files = (of: NodeImage) => new Map(nodeSettingsFiles(of.spec, { containerdVersion: '0' }).map((f) => [f.path, f.content]));
    const sysctls = '/etc/sysctl.d/99-stamper-user.conf';
    expect(files(image).get(sysctls)).not.toBe(files(base).get(sysctls));
    for (const path of [sysctls, '/etc/modules-load.d/kubernetes.conf', '/etc/crictl.yaml']) {
      expect(await cat(path), path).toBe(files(image).get(path));
    }
    // sysprep ran last: no machine identity is baked in
    expect(await cat('/etc/machine-id')).toBe('');
    await rm(raw, { force: true });
  });
});
