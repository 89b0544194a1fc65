import { link, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetadataInput } from '../../../src/spec/providers/target-metadata';
import type { OutputFormat, OutputSpec } from '../../../src/spec/schema';
import type { StageContext } from '../stage';
import { GCE_DISK_NAME, gceTarArgs, qcow2ConvertArgs, vhdConvertArgs, vhdxConvertArgs } from './conversions';
import { writeContainerDiskOutput } from './containerdisk-output';
import { checkFixedVhd, checkGceTar, checkVhdx } from './format-checks';
import { writeOva } from './ova-writer';

/** What every format writer gets: the finished raw disk and the stage's helpers. */
export interface FormatJob {
  ctx: StageContext;
  raw: string;
  diskBytes: number;
  /** The spec's metadata.name: artifact file names start with it. */
  name: string;
  facts: MetadataInput;
  /** Runs `qemu-img` with these arguments, reporting its progress under `job`. */
  convert(job: string, args: string[]): Promise<void>;
  /** The stream-optimized VMDK, converted once however many outputs use it. */
  vmdk(): Promise<string>;
}

/**
 * Writes one output's file into ctx.outDir and returns its path, or null when another
 * stage produces the output (ami: publish) or the writer recorded it itself (containerdisk). The stage records the returned file as an artifact.
 */
export type FormatWriter<F extends OutputFormat> = (output: Extract<OutputSpec, { format: F }>, job: FormatJob) => Promise<string | null>;

export type FormatWriters = { [F in OutputFormat]?: FormatWriter<F> };

/** Outputs each format is written by; a format without an entry fails the stage with "not yet supported". */
export const formatWriters: FormatWriters = {
  qcow2: async (output, job) => {
    const target = join(job.ctx.outDir, `${job.name}.qcow2`);
    await job.convert('qcow2', qcow2ConvertArgs(job.raw, target, output.compression));
    return target;
  },
  raw: (output, job) => exportRaw(job, output.compression),
  vmdk: (_output, job) => job.vmdk(),
  ova: async (output, job) => writeOva(job.ctx, output, await job.vmdk(), job.facts),
  ami: async () => null,
  vhd: async (_output, job) => {
    const target = join(job.ctx.outDir, `${job.name}.vhd`);
    await job.convert('vhd', vhdConvertArgs(job.raw, target));
    await checkFixedVhd(job.ctx.exec, target, job.diskBytes);
    return target;
  },
  vhdx: async (_output, job) => {
    const target = join(job.ctx.outDir, `${job.name}.vhdx`);
    await job.convert('vhdx', vhdxConvertArgs(job.raw, target));
    await checkVhdx(job.ctx.exec, target, job.diskBytes);
    return target;
  },
  // its own zlib qcow2 inside an OCI archive; it records the archive as its artifact, and the
  // push (when the spec names a registry) as a published image
  containerdisk: async (output, job) => {
    await writeContainerDiskOutput(job.ctx, output);
    return null;
  },
  'gce-tar': async (_output, job) => {
    const dir = join(job.ctx.stageDir, 'gce');
    await mkdir(dir, { recursive: true });
    const disk = join(dir, GCE_DISK_NAME);
    await rm(disk, { force: true });
    await link(job.raw, disk).catch(() => job.ctx.exec('cp', ['--sparse=always', job.raw, disk]));
    const target = join(job.ctx.outDir, `${job.name}-gce.tar.gz`);
    await job.ctx.exec('tar', gceTarArgs(dir, target));
    await checkGceTar(job.ctx.exec, target, job.diskBytes);
    return target;
  },
};

async function exportRaw(job: FormatJob, compression: 'none' | 'zstd'): Promise<string> {
  const { ctx, raw, name } = job;
  if (compression === 'zstd') {
    const target = join(ctx.outDir, `${name}.raw.zst`);
    await ctx.exec('zstd', ['-T0', '-3', '-q', '-f', '--sparse', raw, '-o', target]);
    return target;
  }
  const target = join(ctx.outDir, `${name}.raw`);
  await rm(target, { force: true });
  // nothing writes disk.raw after this stage, so a hard link is a free copy
  await link(raw, target).catch(async () => {
    await ctx.exec('cp', ['--sparse=always', raw, target]);
  });
  return target;
}
