/**
 * Cold and warm build of the same spec on this machine, Kubernetes from the local
 * signed apt repository fixture: prints per-stage and total wall time and the peak
 * disk space the build used. Warm = same OS layer, different Kubernetes version, so
 * the base tree comes from the cache. Run as root: `node --import tsx bench/pipeline-build.ts`.
 */
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { buildKey } from '../src/spec/build-key';
import { nodeImageSchema, type NodeImage } from '../src/spec/schema';
import { type PipelineResult, runPipeline } from '../server/pipeline/run-pipeline';
import { keyDirSigner } from '../server/signing/sign-sums';
import { startKubernetesAptRepo } from '../server/stand-in/kubernetes-apt-repo';

interface BenchRun {
  label: string;
  totalMs: number;
  peakDiskBytes: number;
  stages: PipelineResult['stages'];
  checks: number;
}

const TARGETS_MS = { cold: 180_000, warm: 60_000 };

async function main(): Promise<void> {
  // the Kubernetes stand-in repository is served on loopback, which the source policy refuses unless allowed
  process.env.STAMPER_ALLOW_LOOPBACK_SOURCES ??= '1';
  const root = await mkdtemp(join(process.env.STAMPER_BENCH_DIR ?? '/var/tmp', 'stamper-bench-'));
  const repo = await startKubernetesAptRepo(join(root, 'k8s-repo'), [
    { kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' },
    { kubernetes: '1.34.5', crictl: '1.34.0', cni: '1.7.1' },
  ]);
  try {
    const spec = (version: string): NodeImage =>
      nodeImageSchema.parse({
        apiVersion: 'stamper/v1alpha1',
        kind: 'NodeImage',
        metadata: { name: 'bench-node' },
        // the defaults: trixie, containerd from Debian, 20 GiB hybrid disk, OVA + qcow2, verify on
        spec: { kubernetes: { version, source: { type: 'apt', repository: repo.url } } },
      });
    const runs = [await benchBuild('cold', spec('1.35.3'), root), await benchBuild('warm', spec('1.34.5'), root)];
    printReport(runs);
  } finally {
    await repo.close();
    await rm(root, { recursive: true, force: true });
  }
}

async function benchBuild(label: 'cold' | 'warm', image: NodeImage, root: string): Promise<BenchRun> {
  const dir = join(root, label);
  const disk = diskSampler(root);
  const started = Date.now();
  const result = await runPipeline({
    spec: image,
    buildKey: await buildKey(image),
    workDir: join(dir, 'work'),
    outDir: join(dir, 'out'),
    cacheDir: join(root, 'cache'),
    signal: new AbortController().signal,
    signer: keyDirSigner(join(root, 'keys')),
    emit: (event) => {
      if (event.type === 'stage' && event.status !== 'started') {
        process.stderr.write(`${label}: ${event.stage} ${event.status} ${((event.durationMs ?? 0) / 1000).toFixed(1)} s\n`);
      }
    },
  });
  const totalMs = Date.now() - started;
  const peakDiskBytes = await disk.stop();
  // outputs of one run must not count against the next one's peak
  await rm(dir, { recursive: true, force: true });
  return { label, totalMs, peakDiskBytes, stages: result.stages, checks: result.verify.length };
}

/** Peak of (free space at start − free space now) on the build's filesystem, sampled every 250 ms. */
function diskSampler(path: string): { stop(): Promise<number> } {
  let baseline: number | undefined;
  let peak = 0;
  const sample = async (): Promise<void> => {
    const fs = await statfs(path);
    const free = fs.bavail * fs.bsize;
    baseline ??= free;
    peak = Math.max(peak, baseline - free);
  };
  void sample();
  const timer = setInterval(() => void sample(), 250);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      return peak;
    },
  };
}

function printReport(runs: BenchRun[]): void {
  const names = runs[0]?.stages.map((s) => s.name) ?? [];
  const seconds = (ms: number): string => (ms / 1000).toFixed(1).padStart(7);
  const lines = [`${'stage'.padEnd(12)}${runs.map((r) => r.label.padStart(9)).join('')}`];
  for (const name of names) {
    lines.push(`${name.padEnd(12)}${runs.map((r) => `${seconds(r.stages.find((s) => s.name === name)?.durationMs ?? 0)} s`).join('')}`);
  }
  lines.push(`${'total'.padEnd(12)}${runs.map((r) => `${seconds(r.totalMs)} s`).join('')}`);
  lines.push(`${'peak disk'.padEnd(12)}${runs.map((r) => `${(r.peakDiskBytes / 1024 ** 3).toFixed(2).padStart(6)} GiB`).join('')}`);
  for (const run of runs) {
    const target = TARGETS_MS[run.label as 'cold' | 'warm'];
    lines.push(
      `${run.label}: ${(run.totalMs / 1000).toFixed(1)} s (target ≤ ${target / 1000} s: ${run.totalMs <= target ? 'met' : 'MISSED'}), ${run.checks} boot checks passed`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  process.stdout.write(JSON.stringify({ runs }, null, 2) + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
