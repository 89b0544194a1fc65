import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findRelease } from '../../../src/spec/catalog';
import { targetMetadata, type MetadataInput } from '../../../src/spec/providers/target-metadata';
import type { OutputFormat, OutputSpec } from '../../../src/spec/schema';
import { PipelineError } from '../errors';
import { parseQemuImgProgress, vmdkConvertArgs } from '../formats/conversions';
import { FormatCheckError } from '../formats/format-checks';
import { formatWriters, type FormatJob, type FormatWriter } from '../formats/format-writers';
import { installedVersion } from '../sbom/installed-packages';
import type { Stage, StageContext } from '../stage';
import { rawDiskPath, treeDir } from '../work-layout';

export const formatsStage: Stage = {
  name: 'formats',
  async run(stageCtx) {
    // the stage runs beside the boot check: its tools (qemu-img, zstd, tar) can wait for the
    // CPU, the check's emulated guest cannot without the boot taking longer
    const ctx: StageContext = { ...stageCtx, exec: (command, args, options) => stageCtx.exec(command, args, { ...options, lowPriority: true }) };
    const outputs = ctx.spec.spec.outputs;
    const name = ctx.spec.metadata.name;
    const raw = rawDiskPath(ctx.workDir);
    const facts = await metadataFacts(ctx);
    const wantsVmdk = outputs.some((o) => o.format === 'vmdk');
    const vmdkPath = wantsVmdk ? join(ctx.outDir, `${name}.vmdk`) : join(ctx.stageDir, `${name}-disk1.vmdk`);

    // conversions read the same raw file and are mostly single-threaded: run them side by side
    const percents = new Map<string, number>();
    const report = (job: string, percent: number): void => {
      percents.set(job, percent);
      const all = [...percents.values()];
      ctx.progress(Math.floor((all.reduce((a, b) => a + b, 0) / all.length) * 0.9), `converting (${[...percents.keys()].join(', ')})`);
    };
    let vmdk: Promise<string> | undefined;
    const job: FormatJob = {
      ctx,
      raw,
      name,
      facts,
      diskBytes: (await stat(raw)).size,
      convert: (jobName, args) => convert(ctx, jobName, args, report),
      vmdk: () => (vmdk ??= convert(ctx, 'vmdk', vmdkConvertArgs(raw, vmdkPath), report).then(() => vmdkPath)),
    };
    const files = await Promise.all(
      outputs.map(async (output) => {
        const file = await writeOutput(output, job);
        if (file) await ctx.artifacts.add({ name: file.slice(ctx.outDir.length + 1), format: output.format, path: file });
        return file;
      }),
    );
    ctx.progress(95, 'provider metadata');
    for (const [i, output] of outputs.entries()) {
      const file = files[i];
      for (const target of output.targets ?? []) {
        const path = join(ctx.outDir, `${name}-${target}.metadata.json`);
        const document = targetMetadata(target, output, facts, file ? file.slice(ctx.outDir.length + 1) : null);
        await writeFile(path, `${JSON.stringify(document, null, 2)}\n`);
        await ctx.artifacts.add({ name: `${name}-${target}.metadata.json`, format: 'metadata', path });
      }
    }
    ctx.progress(100);
  },
};

async function writeOutput(output: OutputSpec, job: FormatJob): Promise<string | null> {
  // the map is keyed by format, so the writer found is the one for this output's own type
  const writer = formatWriters[output.format] as FormatWriter<OutputFormat> | undefined;
  if (!writer) throw new PipelineError(`the ${output.format} output is not yet supported by this Stamper: remove it from outputs`, 'formats');
  try {
    return await writer(output as never, job);
  } catch (err) {
    if (err instanceof FormatCheckError) throw new PipelineError(`the written ${output.format} failed its check: ${err.message}`, 'formats', [err.message]);
    throw err;
  }
}

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

/** The facts the OVF properties and provider metadata name; containerd as the tree has it. */
async function metadataFacts(ctx: StageContext): Promise<MetadataInput> {
  const spec = ctx.spec.spec;
  const installed = spec.runtime.source === 'distro' ? await installedVersion(treeDir(ctx.workDir), 'containerd').catch(() => undefined) : undefined;
  // "1.7.24~ds1-6+b2" → "1.7.24": providers label the upstream version
  const containerdVersion = spec.runtime.version ?? /^\d+\.\d+\.\d+/.exec(installed ?? '')?.[0] ?? findRelease(spec.os.release)?.containerd ?? '';
  return { spec, name: ctx.spec.metadata.name, buildKey: ctx.buildKey, buildTime: new Date(), containerdVersion };
}
