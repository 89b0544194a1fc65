import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PipelineEvent } from '../../src/spec/build-events.ts';
import type { BuildJobMessage, BuildProcessMessage } from '../builds/build-protocol.ts';
import { ParentLines, readJob } from '../builds/parent-channel.ts';
import { endBuildWhenParentDies } from '../builds/parent-watch.ts';
import { lifecycleBuild } from './scripted-lifecycle-build.ts';
import { scriptedSignedBuild } from './scripted-signing.ts';

/**
 * A stand-in for build-process.ts in tests: same protocol, same process handling,
 * but a scripted scenario (from the spec's `scenario` label) instead of the pipeline.
 * It starts real processes (`sleep`) where a scenario needs something to kill.
 */

let parentGone = () => false;
const send = (message: BuildProcessMessage) => {
  if (!parentGone()) process.stdout.write(`${JSON.stringify(message)}\n`);
};
const emit = (event: PipelineEvent) => send({ kind: 'event', event });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function writeArtifact(job: BuildJobMessage, name: string, format: string, content: Buffer | string) {
  const file = path.join(job.outDir, name);
  writeFileSync(file, content);
  const bytes = Buffer.from(content);
  const artifact = { name, format, sizeBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  emit({ type: 'artifact', artifact });
  return { ...artifact, path: file };
}

function startSleepers(): number[] {
  // One in our process group, one in a session of its own like the pipeline's tools.
  const inGroup = spawn('sleep', ['300'], { stdio: 'ignore' });
  const ownSession = spawn('sleep', ['301'], { stdio: 'ignore', detached: true });
  return [inGroup.pid ?? -1, ownSession.pid ?? -1];
}

/** What a build for several provider targets leaves: an OVA, a qcow2, a registered AMI (all small stand-ins) and a passed bootstrap check. */
function providerOutputs(job: BuildJobMessage) {
  emit({
    type: 'verify',
    check: {
      name: 'capi-bootstrap',
      ok: true,
      detail: 'kubeadm stand-in; cloud-init datasource DataSourceNoCloud; join config written; kubeadm join --config ran and read it; sentinel present',
    },
  });
  emit({
    type: 'published',
    image: {
      provider: 'aws',
      region: 'eu-west-1',
      imageId: 'ami-0123456789abcdef0',
      name: 'capa-ami-debian-13-v1.35.3-1767225600',
      consoleUrl: 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#ImageDetails:imageId=ami-0123456789abcdef0',
    },
  });
  return [writeArtifact(job, 'workers.ova', 'ova', 'ova stand-in\n'), writeArtifact(job, 'workers.qcow2', 'qcow2', 'qcow2 stand-in\n')];
}

/** Artifact names as the formats stage writes them (format-writers.ts, containerdisk.ts). */
const fileNames: Record<string, (name: string) => string> = {
  ova: (n) => `${n}.ova`,
  vmdk: (n) => `${n}.vmdk`,
  qcow2: (n) => `${n}.qcow2`,
  raw: (n) => `${n}.raw`,
  vhd: (n) => `${n}.vhd`,
  vhdx: (n) => `${n}.vhdx`,
  'gce-tar': (n) => `${n}-gce.tar.gz`,
  containerdisk: (n) => `${n}.containerdisk.oci.tar`,
};

/**
 * What a build of the spec's own outputs leaves: one stand-in file per format, one metadata
 * file per target (as the formats stage writes them), and the containerDisk push when the
 * spec asks for one. For the build page's grouping by provider target.
 */
function specOutputs(job: BuildJobMessage) {
  const spec = job.spec as { metadata: { name: string }; spec: { outputs: { format: string; targets?: string[]; push?: { reference: string } }[] } };
  const name = spec.metadata.name;
  const artifacts = [];
  for (const output of spec.spec.outputs) {
    const fileName = fileNames[output.format];
    if (fileName) artifacts.push(writeArtifact(job, fileName(name), output.format, `${output.format} stand-in\n`));
    for (const target of output.targets ?? []) {
      artifacts.push(writeArtifact(job, `${name}-${target}.metadata.json`, 'metadata', `${JSON.stringify({ target })}\n`));
    }
    if (output.push) {
      const reference = output.push.reference.includes(':', output.push.reference.indexOf('/')) ? output.push.reference : `${output.push.reference}:v1.35.3`;
      const digest = `sha256:${createHash('sha256').update(reference).digest('hex')}`;
      emit({ type: 'published', image: { provider: 'kubevirt', reference, digest } });
    }
  }
  return artifacts;
}

async function succeed(job: BuildJobMessage, logLines: number, delayMs: number, outputs: 'raw' | 'providers' | 'spec' = 'raw') {
  emit({ type: 'stage', stage: 'rootfs', status: 'started' });
  for (let i = 1; i <= logLines; i += 1) {
    emit({ type: 'log', stage: 'rootfs', stream: 'stdout', line: `line ${i}` });
    if (i % 10 === 0) emit({ type: 'progress', stage: 'rootfs', percent: Math.min(100, Math.round((i / logLines) * 100)) });
    if (delayMs) await sleep(delayMs);
  }
  emit({ type: 'stage', stage: 'rootfs', status: 'succeeded', durationMs: 5 });
  emit({ type: 'stage', stage: 'verify', status: 'skipped' });
  emit({ type: 'verify', check: { name: 'kubelet-version', ok: true, detail: 'v1.35.3' } });
  const raw = Buffer.alloc(64 * 1024);
  for (let i = 0; i < raw.length; i += 1) raw[i] = i % 251;
  const spdx = JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    documentDescribes: ['SPDXRef-Image'],
    packages: [
      { SPDXID: 'SPDXRef-Image', name: job.buildKey, versionInfo: job.buildKey },
      { SPDXID: 'SPDXRef-Package-deb-kubelet', name: 'kubelet', versionInfo: '1.35.3-1.1', annotations: [{ comment: 'installed-size-kib=81234' }] },
      { SPDXID: 'SPDXRef-Package-deb-bash', name: 'bash', versionInfo: '5.2.37-2' },
      // the spec's own packages, so two builds' package lists differ as their specs do
      ...specPackages(job).map((name) => ({
        SPDXID: `SPDXRef-Package-deb-${name}`,
        name,
        versionInfo: '1.0-1',
        annotations: [{ comment: `installed-size-kib=${name.length * 100}` }],
      })),
    ],
  });
  const artifacts =
    outputs === 'spec'
      ? [...specOutputs(job), writeArtifact(job, 'workers.spdx.json', 'spdx', spdx)]
      : [
          writeArtifact(job, 'workers.raw', 'raw', raw),
          writeArtifact(job, 'workers.spdx.json', 'spdx', spdx),
          ...(outputs === 'providers' ? providerOutputs(job) : []),
        ];
  send({ kind: 'done', artifacts });
}

function specPackages(job: BuildJobMessage): string[] {
  const packages = (job.spec.spec as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(packages) ? packages.filter((p): p is string => typeof p === 'string') : [];
}

/**
 * What mmdebstrap --mode=root leaves in a killed build's tree: a file system of its own
 * (like proc or devpts) and a bind mount of a directory outside the build (like the
 * host's /dev/shm), here `<data dir>/outside`, which the test fills with a file that must survive.
 */
function mountLikeMmdebstrap(job: BuildJobMessage): void {
  const tree = path.join(job.workDir, 'tree');
  for (const dir of ['proc', 'dev/shm']) mkdirSync(path.join(tree, dir), { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'stamper-test', path.join(tree, 'proc')]);
  writeFileSync(path.join(tree, 'proc', 'inside-tmpfs'), 'x');
  execFileSync('mount', ['--bind', path.join(job.workDir, '..', '..', 'outside'), path.join(tree, 'dev', 'shm')]);
  mkdirSync(path.join(tree, 'dev', 'shm', 'proc'), { recursive: true });
  // A mount below a mount, as rbind'ed /sys brings: it has to go first.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'stamper-test', path.join(tree, 'dev', 'shm', 'proc')]);
}

async function main() {
  // the real job reader: its strict schema fails the build if the parent sends more than the job (a key directory)
  const lines = new ParentLines(process.stdin);
  const job = await readJob(lines);
  parentGone = endBuildWhenParentDies(job, new AbortController(), 1500).parentGone;
  const labels = (job.spec.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
  const scenario = labels.scenario ?? 'quick';
  switch (scenario) {
    case 'quick':
      return succeed(job, 5, 0);
    case 'lifecycle':
      return lifecycleBuild(job, emit, send);
    case 'providers':
      return succeed(job, 5, 0, 'providers');
    case 'targets':
      return succeed(job, 5, 0, 'spec');
    case 'stream':
      return succeed(job, 300, 5);
    case 'long':
      // ~10 s, long enough to kill its worker mid-build; the pid line tells whether it still runs
      emit({ type: 'log', stage: 'rootfs', stream: 'info', line: `pids ${process.pid}` });
      return succeed(job, 200, 50);
    case 'signed':
    case 'sign-forged':
      return scriptedSignedBuild(job, lines, send, scenario === 'sign-forged');
    case 'flood':
      // For the SSE fan-out bench: many events in bursts, not paced by timers.
      return succeed(job, 5000, 0);
    case 'hang':
    case 'mounts':
    case 'stubborn': {
      if (scenario === 'mounts') mountLikeMmdebstrap(job);
      if (scenario === 'stubborn') process.on('SIGTERM', () => emit({ type: 'log', stage: 'rootfs', stream: 'info', line: 'ignoring SIGTERM' }));
      emit({ type: 'stage', stage: 'rootfs', status: 'started' });
      const pids = startSleepers();
      emit({ type: 'log', stage: 'rootfs', stream: 'info', line: `pids ${process.pid} ${pids.join(' ')}` });
      for (let i = 1; ; i += 1) {
        emit({ type: 'log', stage: 'rootfs', stream: 'stdout', line: `tick ${i}` });
        await sleep(50);
      }
    }
    case 'fail':
      emit({ type: 'stage', stage: 'rootfs', status: 'started' });
      // mmdebstrap writes its progress to stderr too
      emit({ type: 'log', stage: 'rootfs', stream: 'stderr', line: 'I: automatically chosen mode: root' });
      emit({ type: 'log', stage: 'rootfs', stream: 'stderr', line: 'E: Unable to locate package nonexistent' });
      emit({ type: 'stage', stage: 'rootfs', status: 'failed', error: 'mmdebstrap failed' });
      send({ kind: 'failed', error: 'mmdebstrap failed', stage: 'rootfs', lastLines: ['E: Unable to locate package nonexistent'] });
      process.exitCode = 1;
      return;
    case 'crash':
      emit({ type: 'stage', stage: 'rootfs', status: 'started' });
      process.stdout.write('not json\n');
      process.exit(3);
      return;
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

void main().then(() => {
  if (!parentGone()) process.stdout.write('', () => process.exit());
});
