/**
 * The boot check alone, on one disk, booted several times per variant in turn (A, B, A,
 * B, …) so every variant sees the same load: prints each boot's time from qemu start to
 * the guest's last check, the median per variant, and (with --profile) where the guest's
 * time went, from console line timestamps taken on the host and the guest's own
 * `systemd-analyze`. Run as root:
 *
 *   node --import tsx bench/boot-check.ts [--work DIR] [--rounds N] [--variants a,b] [--profile]
 *
 * Without a disk in --work (disk.raw), it builds one first (the bench spec, no boot check,
 * raw output; STAMPER_CACHE_DIR is used as the base-tree cache when set).
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildKey } from '../src/spec/build-key';
import { nodeImageSchema, type NodeImage } from '../src/spec/schema';
import { runProcess } from '../server/pipeline/exec';
import { runPipeline } from '../server/pipeline/run-pipeline';
import { bootAndCheck, type BootTuning } from '../server/pipeline/verify/boot-check';
import { guestExpectations } from '../server/pipeline/verify/expectations';
import { rawDiskPath } from '../server/pipeline/work-layout';
import { keyDirSigner } from '../server/signing/sign-sums';
import { startKubernetesAptRepo } from '../server/stand-in/kubernetes-apt-repo';
import { median } from './median';

/** Variants the bench can compare; each is what the boot check would change. */
const VARIANTS: Record<string, BootTuning> = {
  current: {},
  'wait-poweroff': { waitForPoweroff: true },
  'minimal-devices': { devices: 'minimal' },
  'minimal-1g': { devices: 'minimal', memoryMiB: 1024 },
  'cpu-qemu64': { cpuModel: 'qemu64' },
};

interface Boot {
  variant: string;
  ms: number;
  passed: number;
  failed: string[];
}

async function main(): Promise<void> {
  // the Kubernetes stand-in repository is served on loopback, which the source policy refuses unless allowed
  process.env.STAMPER_ALLOW_LOOPBACK_SOURCES ??= '1';
  const { values } = parseArgs({
    options: {
      work: { type: 'string', default: '/var/tmp/stamper-boot-bench' },
      rounds: { type: 'string', default: '3' },
      variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
      profile: { type: 'boolean', default: false },
    },
  });
  const variants = values.variants.split(',');
  for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}; known: ${Object.keys(VARIANTS).join(', ')}`);
  const work = values.work;
  const repo = await startKubernetesAptRepo(join(work, 'k8s-repo'), [{ kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' }]);
  try {
    const image = benchImage(repo.url);
    // the stand-in's port, and so the spec's key, changes per run: the disk's own key is kept beside it
    const keyFile = join(work, 'build-key');
    if (!existsSync(rawDiskPath(join(work, 'build')))) {
      await buildDisk(image, await buildKey(image), work);
      await writeFile(keyFile, await buildKey(image));
    }
    const key = (await readFile(keyFile, 'utf8')).trim();
    const boots: Boot[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const variant of variants) {
        const boot = await bootOnce(image, key, work, variant, values.profile);
        boots.push(boot);
        process.stderr.write(
          `round ${round + 1} ${variant}: ${(boot.ms / 1000).toFixed(1)} s, ${boot.passed} passed${boot.failed.length ? `, FAILED ${boot.failed.join(', ')}` : ''}\n`,
        );
      }
    }
    for (const variant of variants) {
      const times = boots.filter((b) => b.variant === variant).map((b) => b.ms / 1000);
      process.stdout.write(`${variant.padEnd(16)} median ${median(times).toFixed(1)} s  (${times.map((t) => t.toFixed(1)).join(', ')})\n`);
    }
  } finally {
    await repo.close();
  }
}

function benchImage(repoUrl: string): NodeImage {
  return nodeImageSchema.parse({
    apiVersion: 'stamper/v1alpha1',
    kind: 'NodeImage',
    metadata: { name: 'boot-bench' },
    spec: { kubernetes: { version: '1.35.3', source: { type: 'apt', repository: repoUrl } }, outputs: [{ format: 'raw' }], verify: { enabled: false } },
  });
}

async function buildDisk(image: NodeImage, key: string, work: string): Promise<void> {
  const started = Date.now();
  await runPipeline({
    spec: image,
    buildKey: key,
    workDir: join(work, 'build'),
    outDir: join(work, 'out'),
    cacheDir: process.env.STAMPER_CACHE_DIR ?? join(work, 'cache'),
    signal: new AbortController().signal,
    signer: keyDirSigner(join(work, 'keys')),
    emit: (event) => {
      if (event.type === 'stage' && event.status !== 'started') process.stderr.write(`build: ${event.stage} ${event.status}\n`);
    },
  });
  process.stderr.write(`disk built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

async function bootOnce(image: NodeImage, key: string, work: string, variant: string, profile: boolean): Promise<Boot> {
  const scratchDir = join(work, 'boots', variant);
  await rm(scratchDir, { recursive: true, force: true });
  await mkdir(scratchDir, { recursive: true });
  const serial = join(scratchDir, 'serial-virtio-bios.log');
  const stamps = profile ? stampConsole(serial) : undefined;
  const result = await bootAndCheck({
    sourceDisk: rawDiskPath(join(work, 'build')),
    sourceFormat: 'raw',
    scratchDir,
    firmware: 'bios',
    hardware: 'virtio',
    expectations: { ...guestExpectations(image, key), profile },
    timeoutMs: 600_000,
    exec: (command, args, options) => runProcess(command, args, { ...options, signal: new AbortController().signal }),
    tuning: VARIANTS[variant],
  });
  if (stamps) process.stdout.write(`--- console, host seconds since qemu start (${variant}) ---\n${stamps.stop()}\n`);
  return { variant, ms: result.bootMs, passed: result.checks.filter((c) => c.ok).length, failed: result.checks.filter((c) => !c.ok).map((c) => c.name) };
}

/** Polls the console every 100 ms and prefixes each new line with the host time it appeared at. */
function stampConsole(path: string): { stop(): string } {
  const started = Date.now();
  let offset = 0;
  let partial = '';
  const lines: string[] = [];
  const poll = async (): Promise<void> => {
    const handle = await open(path, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      if (size <= offset) return;
      const chunk = Buffer.alloc(size - offset);
      await handle.read(chunk, 0, chunk.length, offset);
      offset = size;
      const text = partial + chunk.toString('utf8');
      const parts = text.split(/\r?\n/);
      partial = parts.pop() ?? '';
      const at = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
      for (const line of parts) if (line.trim()) lines.push(`${at} ${line}`);
    } finally {
      await handle.close();
    }
  };
  const timer = setInterval(() => void poll(), 100);
  return {
    stop() {
      clearInterval(timer);
      return lines.join('\n');
    },
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
