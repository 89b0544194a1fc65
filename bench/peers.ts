/**
 * The same node built three ways on this machine, one after the other, with wall time,
 * output size and the ratio to Stamper (`npm run bench:peers`, as root):
 *
 * 1. Stamper, cold (empty cache) and warm (base tree cached, another Kubernetes patch
 *    version), with its boot check and without it;
 * 2. the Packer route image-builder takes: Debian's packer 1.6.6 and its qemu builder under
 *    TCG running the template Stamper exports, from a base disk (Stamper's warm build
 *    without the check stands in for the cloud image no one can download here; not counted);
 * 3. mkosi 14 building the same node (mkosi-node-trees.ts: the same packages and pins, node
 *    settings and containerd; no boot check), cold and warm (`--incremental`, same caches).
 *
 * All legs build one release (`--release`, default bookworm: mkosi 14 cannot yet build
 * trixie here, see peer-mkosi.ts). Kubernetes comes from the local stand-in apt repository
 * on loopback; where the release's containerd is too old for it (bookworm's 1.6.20), every
 * leg gets the same containerd 2.x release tarball, made from Debian's package and served
 * beside it. `--only` picks routes (stamper,packer,mkosi); packer needs the Stamper runs
 * for its base disk.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildKey } from '../src/spec/build-key';
import { containerdIncompatibility, findRelease } from '../src/spec/catalog';
import { nodeImageSchema, type NodeImage } from '../src/spec/schema';
import { hostDebianMirror } from '../server/pipeline/host-mirror';
import { runPipeline } from '../server/pipeline/run-pipeline';
import { keyDirSigner } from '../server/signing/sign-sums';
import { startKubernetesAptRepo } from '../server/stand-in/kubernetes-apt-repo';
import { containerdReleaseFromDebian } from '../server/testing/containerd-release';
import { mkosiNodeTrees } from './mkosi-node-trees';
import { legDifferences } from './peer-differences';
import { mkosiBuild } from './peer-mkosi';
import { packerBuild } from './peer-packer';

interface Row {
  route: string;
  seconds: number;
  bytes: number;
  note: string;
}

async function main(): Promise<void> {
  // the Kubernetes stand-in repository is served on loopback, which the source policy refuses unless allowed
  process.env.STAMPER_ALLOW_LOOPBACK_SOURCES ??= '1';
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: 'stamper,packer,mkosi' },
      release: { type: 'string', default: 'bookworm' },
      dir: { type: 'string', default: process.env.STAMPER_BENCH_DIR ?? '/var/tmp' },
    },
  });
  const only = new Set(values.only.split(','));
  const release = findRelease(values.release);
  if (!release?.buildableHere) throw new Error(`--release ${values.release}: not a release this host builds`);
  const root = await mkdtemp(join(values.dir, 'stamper-peers-'));
  const repo = await startKubernetesAptRepo(join(root, 'k8s-repo'), [
    { kubernetes: '1.35.3', crictl: '1.35.0', cni: '1.7.1' },
    { kubernetes: '1.35.2', crictl: '1.35.0', cni: '1.7.1' },
  ]);
  const rows: Row[] = [];
  const record = (row: Row): void => {
    rows.push(row);
    process.stderr.write(`${row.route}: ${row.seconds.toFixed(1)} s, ${mib(row.bytes)} MiB${row.note ? ` (${row.note})` : ''}\n`);
  };
  try {
    const containerd = containerdIncompatibility('1.35.3', release.containerd) ? await containerdReleaseFromDebian(join(repo.dir, 'containerd')) : undefined;
    const runtime = containerd
      ? {
          source: 'upstream',
          version: containerd.version,
          upstream: { url: `${repo.url}containerd/${containerd.file}`, sha256: containerd.sha256 },
        }
      : { source: 'distro' };
    const differences = legDifferences({
      releaseTitle: release.title,
      containerd: containerd
        ? `containerd ${containerd.version} from a release tarball (Debian's package repacked)`
        : `containerd ${release.containerd} from the release`,
      kubernetes: { cold: '1.35.3', warm: '1.35.2' },
    });
    process.stderr.write(`${differences[0] ?? ''}\n`);
    const spec = (version: string, verify: boolean): NodeImage =>
      nodeImageSchema.parse({
        apiVersion: 'stamper/v1alpha1',
        kind: 'NodeImage',
        metadata: { name: 'peer-node' },
        // 20 GiB hybrid disk; one qcow2, as packer writes
        spec: {
          os: { distro: 'debian', release: release.id, arch: 'amd64' },
          runtime,
          kubernetes: { version, source: { type: 'apt', repository: repo.url } },
          outputs: [{ format: 'qcow2', compression: 'zstd' }],
          verify: { enabled: verify },
        },
      });
    let baseQcow2: string | undefined;
    if (only.has('stamper') || only.has('packer')) {
      const cache = join(root, 'stamper-cache');
      record(await stamperBuild('stamper cold, boot-checked', spec('1.35.3', true), root, cache));
      record(await stamperBuild('stamper warm, boot-checked', spec('1.35.2', true), root, cache));
      const unchecked = await stamperBuild('stamper warm, no boot check', spec('1.35.3', false), root, cache, true);
      record(unchecked);
      baseQcow2 = join(root, 'stamper warm, no boot check'.replaceAll(/\W+/g, '-'), 'out', 'peer-node.qcow2');
    }
    if (only.has('packer') && baseQcow2) {
      const run = await packerBuild(join(root, 'packer'), spec('1.35.3', false), baseQcow2);
      if (run.status !== 0) process.stderr.write(`packer failed (${run.status}):\n${run.output.slice(-4000)}\n`);
      record({
        route: 'packer qemu (TCG), exported template',
        seconds: run.seconds,
        bytes: run.imageBytes,
        note: run.status === 0 ? 'base disk not counted' : 'FAILED',
      });
    }
    if (only.has('mkosi')) {
      const mirror = await hostDebianMirror();
      if (!mirror) throw new Error("mkosi needs a Debian mirror: none found in this host's apt sources");
      const trees = await mkosiNodeTrees(join(root, 'mkosi-trees'), spec('1.35.3', false).spec, containerd && join(repo.dir, 'containerd', containerd.file));
      const input = { release: release.id, mirror, cacheDir: join(root, 'mkosi-cache'), ...trees };
      for (const label of ['cold', 'warm']) {
        const route = `mkosi 14 ${label}`;
        const run = await mkosiBuild(join(root, 'mkosi'), input).catch((err: unknown) => {
          process.stderr.write(`${route} failed:\n${err instanceof Error ? err.message : String(err)}\n`);
          return undefined;
        });
        if (!run) {
          record({ route, seconds: 0, bytes: 0, note: 'FAILED (see above)' });
          break;
        }
        record({ route, seconds: run.seconds, bytes: run.imageBytes, note: 'no boot check, uncompressed qcow2' });
      }
    }
    printTable(rows, differences);
  } finally {
    await repo.close();
    if (!process.env.STAMPER_KEEP_PEERS) await rm(root, { recursive: true, force: true });
  }
}

async function stamperBuild(route: string, image: NodeImage, root: string, cacheDir: string, keep = false): Promise<Row> {
  const dir = join(root, route.replaceAll(/\W+/g, '-'));
  const started = Date.now();
  const result = await runPipeline({
    spec: image,
    buildKey: await buildKey(image),
    workDir: join(dir, 'work'),
    outDir: join(dir, 'out'),
    cacheDir,
    signal: new AbortController().signal,
    signer: keyDirSigner(join(root, 'keys')),
    emit: () => undefined,
  });
  const seconds = (Date.now() - started) / 1000;
  let bytes = 0;
  for (const artifact of result.artifacts) if (artifact.format === 'qcow2') bytes += (await stat(artifact.path)).blocks * 512;
  const failed = result.verify.filter((c) => !c.ok).length;
  await rm(join(dir, 'work'), { recursive: true, force: true });
  if (!keep) await rm(join(dir, 'out'), { recursive: true, force: true });
  const verify = result.stages.find((s) => s.name === 'verify');
  const note =
    verify?.status === 'succeeded' ? `boot check ${(verify.durationMs / 1000).toFixed(1)} s, ${result.verify.length - failed} checks passed` : 'no boot check';
  return { route, seconds, bytes, note };
}

const mib = (bytes: number): string => (bytes / 1024 ** 2).toFixed(0);

function printTable(rows: Row[], differences: string[]): void {
  const stamperCold = rows.find((r) => r.route === 'stamper cold, boot-checked');
  const stamperWarm = rows.find((r) => r.route === 'stamper warm, boot-checked');
  const stamperUnchecked = rows.find((r) => r.route === 'stamper warm, no boot check');
  const lines = [`${'route'.padEnd(44)}${'wall'.padStart(9)}${'size'.padStart(10)}  time ÷ Stamper's (cold, checked / warm, checked / warm, unchecked)`];
  for (const row of rows) {
    const ratio = (to: Row | undefined): string => (to ? `${(row.seconds / to.seconds).toFixed(2)}×` : '–');
    lines.push(
      `${row.route.padEnd(44)}${`${row.seconds.toFixed(1)} s`.padStart(9)}${`${mib(row.bytes)} MiB`.padStart(10)}  ${ratio(stamperCold)} / ${ratio(stamperWarm)} / ${ratio(stamperUnchecked)}  ${row.note}`,
    );
  }
  const notes = differences.map((d) => `- ${d}`);
  process.stdout.write(`${lines.join('\n')}\n\nWhat differs:\n${notes.join('\n')}\n${JSON.stringify({ rows, differences }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
