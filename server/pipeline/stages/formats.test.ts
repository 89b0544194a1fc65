import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { sha256File } from '../../signing/sha256sums.ts';
import { testStageContext } from '../../testing/stage-context.ts';
import { makeTinyRootDisk } from '../../testing/tiny-root-disk.ts';
import type { Artifact } from '../stage.ts';
import { rawDiskPath } from '../work-layout.ts';
import { formatsStage } from './formats.ts';

let root: string;
let raw: string;
let artifacts: Artifact[];
const toolRuns: { command: string; args: readonly string[]; lowPriority: boolean }[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-formats-stage-'));
  const workDir = join(root, 'work');
  await mkdir(workDir, { recursive: true });
  raw = (await makeTinyRootDisk(workDir)).disk;
  // the tiny disk sits where the disk stage leaves its raw disk, which is where formats reads it
  expect(raw).toBe(rawDiskPath(workDir));
  const spec = nodeImageSchema.parse(
    minimalInput({ outputs: [{ format: 'qcow2' }, { format: 'vmdk' }, { format: 'ova' }, { format: 'raw', compression: 'zstd' }], verify: { enabled: false } }),
  );
  const { ctx } = await testStageContext({ spec, stage: 'formats', workDir });
  const exec = ctx.exec.bind(ctx);
  ctx.exec = (command, args, options) => {
    toolRuns.push({ command, args, lowPriority: options?.lowPriority === true });
    return exec(command, args, options);
  };
  await formatsStage.run(ctx);
  artifacts = ctx.artifacts.list();
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

const artifact = (name: string): Artifact => {
  const found = artifacts.find((a) => a.name === name);
  if (!found) throw new Error(`no artifact ${name} in ${artifacts.map((a) => a.name).join(', ')}`);
  return found;
};
const qemuImgCompare = (image: string): number => {
  try {
    execFileSync('qemu-img', ['compare', '-q', '-f', 'raw', raw, image]);
    return 0;
  } catch (error) {
    return (error as { status?: number }).status ?? -1;
  }
};

describe('formatsStage', () => {
  it('converts the raw disk into every requested format, each registered with its real checksum', async () => {
    expect(artifacts.map((a) => `${a.name}:${a.format}`).sort()).toEqual([
      'workers.ova:ova',
      'workers.qcow2:qcow2',
      'workers.raw.zst:raw',
      'workers.vmdk:vmdk',
    ]);
    for (const a of artifacts) expect(await sha256File(a.path)).toBe(a.sha256);
  });

  it('runs every tool at the lowest CPU priority, so the boot check running beside it keeps the cores', () => {
    const conversions = toolRuns.filter((r) => r.command === 'qemu-img' && r.args[0] === 'convert');
    expect(conversions.map((c) => c.args[c.args.indexOf('-O') + 1]).sort()).toEqual(['qcow2', 'vmdk']);
    expect(toolRuns.map((r) => r.command)).toContain('zstd');
    expect(toolRuns.filter((r) => !r.lowPriority)).toEqual([]);
  });

  it('loses nothing in qcow2 and the stream-optimized VMDK', () => {
    expect(qemuImgCompare(artifact('workers.qcow2').path)).toBe(0);
    expect(qemuImgCompare(artifact('workers.vmdk').path)).toBe(0);
    expect(execFileSync('qemu-img', ['info', artifact('workers.vmdk').path], { encoding: 'utf8' })).toMatch(/create type: streamOptimized/);
  });

  it('compresses the raw disk with zstd, byte for byte', async () => {
    const unpacked = join(root, 'unpacked.raw');
    execFileSync('zstd', ['-q', '-d', artifact('workers.raw.zst').path, '-o', unpacked]);
    expect(await sha256File(unpacked)).toBe(await sha256File(raw));
  });

  it('packs the OVA descriptor first, then the manifest with each file hash, then the disk', async () => {
    const ova = artifact('workers.ova').path;
    expect(execFileSync('tar', ['-tf', ova], { encoding: 'utf8' }).trim().split('\n')).toEqual(['workers.ovf', 'workers.mf', 'workers-disk1.vmdk']);
    const dir = join(root, 'ova');
    await mkdir(dir);
    execFileSync('tar', ['-xf', ova, '-C', dir]);
    const manifest = await readFile(join(dir, 'workers.mf'), 'utf8');
    for (const file of ['workers.ovf', 'workers-disk1.vmdk']) expect(manifest).toContain(`SHA256(${file})= ${await sha256File(join(dir, file))}\n`);
  });
});
