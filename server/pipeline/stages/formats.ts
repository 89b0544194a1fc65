import { copyFile, link, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findRelease } from '../../../src/spec/catalog';
import { resolveVersions } from '../../../src/spec/defaults';
import type { OutputSpec } from '../../../src/spec/schema';
import { sha256File } from '../download';
import { parseQemuImgProgress, qcow2ConvertArgs, vmdkConvertArgs } from '../formats/conversions';
import { renderOvfDescriptor, renderOvfManifest } from '../formats/ovf-descriptor';
import type { Stage, StageContext } from '../stage';
import { rawDiskPath } from '../work-layout';

type OvaOutput = Extract<OutputSpec, { format: 'ova' }>;

export const formatsStage: Stage = {
  name: 'formats',
  async run(ctx) {
    const outputs = ctx.spec.spec.outputs;
    const name = ctx.spec.metadata.name;
    const raw = rawDiskPath(ctx.workDir);
    const ova = outputs.find((o): o is OvaOutput => o.format === 'ova');
    const wantsVmdk = outputs.some((o) => o.format === 'vmdk');
    const vmdkPath = wantsVmdk ? join(ctx.outDir, `${name}.vmdk`) : join(ctx.stageDir, `${name}-disk1.vmdk`);

    // conversions read the same raw file and are mostly single-threaded: run them side by side
    const jobs: Promise<void>[] = [];
    const percents = new Map<string, number>();
    const report = (job: string, percent: number): void => {
      percents.set(job, percent);
      const all = [...percents.values()];
      ctx.progress(Math.floor((all.reduce((a, b) => a + b, 0) / all.length) * 0.9), `converting (${[...percents.keys()].join(', ')})`);
    };
    for (const output of outputs) {
      if (output.format === 'qcow2') {
        const target = join(ctx.outDir, `${name}.qcow2`);
        jobs.push(convert(ctx, 'qcow2', qcow2ConvertArgs(raw, target, output.compression), report).then(() => addArtifact(ctx, target, 'qcow2')));
      } else if (output.format === 'raw') {
        jobs.push(exportRaw(ctx, raw, name, output.compression));
      }
    }
    if (ova || wantsVmdk) {
      jobs.push(
        convert(ctx, 'vmdk', vmdkConvertArgs(raw, vmdkPath), report).then(async () => {
          if (wantsVmdk) await addArtifact(ctx, vmdkPath, 'vmdk');
          if (ova) await writeOva(ctx, ova, vmdkPath);
        }),
      );
    }
    await Promise.all(jobs);
    ctx.progress(100);
  },
};

function convert(ctx: StageContext, job: string, args: string[], report: (job: string, percent: number) => void): Promise<void> {
  report(job, 0);
  return ctx
    .exec('qemu-img', args, {
      quiet: true,
      onLine: (line) => {
        const percent = parseQemuImgProgress(line);
        if (percent !== undefined) report(job, percent);
      },
    })
    .then(() => report(job, 100));
}

async function exportRaw(ctx: StageContext, raw: string, name: string, compression: 'none' | 'zstd'): Promise<void> {
  if (compression === 'zstd') {
    const target = join(ctx.outDir, `${name}.raw.zst`);
    await ctx.exec('zstd', ['-T0', '-3', '-q', '-f', '--sparse', raw, '-o', target]);
    await addArtifact(ctx, target, 'raw');
    return;
  }
  const target = join(ctx.outDir, `${name}.raw`);
  await rm(target, { force: true });
  // nothing writes disk.raw after this stage, so a hard link is a free copy
  await link(raw, target).catch(async () => {
    await ctx.exec('cp', ['--sparse=always', raw, target]);
  });
  await addArtifact(ctx, target, 'raw');
}

async function addArtifact(ctx: StageContext, path: string, format: string): Promise<void> {
  await ctx.artifacts.add({ name: path.slice(ctx.outDir.length + 1), format, path });
}

async function writeOva(ctx: StageContext, ova: OvaOutput, vmdkPath: string): Promise<void> {
  const spec = ctx.spec.spec;
  const name = ctx.spec.metadata.name;
  const versions = resolveVersions(spec);
  const release = findRelease(spec.os.release);
  const dir = join(ctx.stageDir, 'ova');
  await ctx.exec('mkdir', ['-p', dir]);
  const diskFile = `${name}-disk1.vmdk`;
  const diskInOva = join(dir, diskFile);
  await rm(diskInOva, { force: true });
  await link(vmdkPath, diskInOva).catch(() => copyFile(vmdkPath, diskInOva));
  const ovfFile = `${name}.ovf`;
  const ovf = renderOvfDescriptor({
    name,
    diskFile,
    diskFileBytes: (await stat(diskInOva)).size,
    diskCapacityBytes: spec.disk.sizeGiB * 1024 ** 3,
    cpus: ova.cpus,
    memoryMiB: ova.memoryMiB,
    hardwareVersion: ova.hardwareVersion,
    firmware: spec.disk.firmware === 'uefi' ? 'efi' : 'bios',
    guest: { distro: spec.os.distro, version: release?.version ?? '', release: spec.os.release },
    productVersion: `v${versions.kubernetes}`,
    properties: {
      BUILD_KEY: ctx.buildKey,
      BUILD_DATE: new Date().toISOString(),
      CNI_VERSION: `v${versions.cni}`,
      CONTAINERD_VERSION: spec.runtime.version ?? release?.containerd ?? '',
      CRICTL_VERSION: `v${versions.crictl}`,
      DISTRO_ARCH: spec.os.arch,
      DISTRO_NAME: spec.os.distro,
      DISTRO_VERSION: release?.version ?? spec.os.release,
      IMAGE_BUILDER_VERSION: 'stamper',
      KUBERNETES_SEMVER: `v${versions.kubernetes}`,
      KUBERNETES_SOURCE_TYPE: spec.kubernetes.source.type === 'apt' ? 'pkg' : 'http',
      KUBERNETES_VERSION: `v${versions.kubernetes}`,
      OS_NAME: spec.os.distro,
      OS_VERSION: release?.version ?? spec.os.release,
    },
  });
  await writeFile(join(dir, ovfFile), ovf);
  const mfFile = `${name}.mf`;
  const manifest = renderOvfManifest([
    { file: ovfFile, sha256: await sha256File(join(dir, ovfFile)) },
    { file: diskFile, sha256: await sha256File(diskInOva) },
  ]);
  await writeFile(join(dir, mfFile), manifest);
  const target = join(ctx.outDir, `${name}.ova`);
  // OVF 1.0 requires the descriptor first, then the manifest, then the disks, in a ustar tar
  await ctx.exec('tar', ['--format=ustar', '--owner=0', '--group=0', '--numeric-owner', '-cf', target, '-C', dir, ovfFile, mfFile, diskFile]);
  await addArtifact(ctx, target, 'ova');
}
