import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { testStageContext } from '../../testing/stage-context.ts';
import { planDiskLayout, sectorsToBytes } from '../disk/partition-layout.ts';
import { rawDiskPath, treeDir } from '../work-layout.ts';
import { diskStage } from './disk.ts';

let root: string;
let workDir: string;
let disk: string;
const layout = planDiskLayout(4);
const rootOffset = sectorsToBytes(layout.root.startSector);
const espImage = () => `${disk}@@${sectorsToBytes(layout.esp.startSector)}`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-disk-stage-'));
  workDir = join(root, 'work');
  // a tiny root tree stands in for the configured image: the disk stage only copies it
  const tree = treeDir(workDir);
  await mkdir(join(tree, 'etc'), { recursive: true });
  await mkdir(join(tree, 'boot', 'grub'), { recursive: true });
  await writeFile(join(tree, 'etc', 'hostname'), 'tiny-node\n');
  const spec = nodeImageSchema.parse(minimalInput({ disk: { sizeGiB: 4, firmware: 'hybrid' }, outputs: [{ format: 'raw' }] }));
  const { ctx } = await testStageContext({ spec, stage: 'disk', workDir });
  await diskStage.run(ctx);
  disk = rawDiskPath(workDir);
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

describe('diskStage', () => {
  it('writes a sparse GPT disk of the spec size whose partition table sfdisk accepts', async () => {
    expect((await stat(disk)).size).toBe(4 * 1024 ** 3);
    expect((await stat(disk)).blocks * 512).toBeLessThan(512 * 1024 ** 2);
    const table = JSON.parse(execFileSync('sfdisk', ['--json', disk], { encoding: 'utf8' })) as {
      partitiontable: { label: string; partitions: { start: number }[] };
    };
    expect(table.partitiontable.label).toBe('gpt');
    expect(table.partitiontable.partitions.map((p) => p.start)).toEqual([layout.biosBoot.startSector, layout.esp.startSector, layout.root.startSector]);
  });

  it('puts the tree into a clean ext4 root at the root partition, without mounting, and drops the tree', async () => {
    execFileSync('e2fsck', ['-fn', `${disk}?offset=${rootOffset}`], { stdio: 'pipe' });
    expect(
      execFileSync('debugfs', ['-R', 'cat /etc/hostname', `${disk}?offset=${rootOffset}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ).toBe('tiny-node\n');
    await expect(stat(treeDir(workDir))).rejects.toThrow(/ENOENT/);
  });

  it('boots both ways: GRUB for UEFI on the ESP and GRUB for BIOS behind the MBR', async () => {
    const listing = execFileSync('mdir', ['-b', '-i', espImage(), '::/EFI/BOOT'], { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
    expect(listing).toContain('BOOTX64.EFI');
    const handle = await open(disk, 'r');
    const mbr = Buffer.alloc(512);
    await handle.read(mbr, 0, 512, 0);
    await handle.close();
    expect(mbr.readUInt16LE(510)).toBe(0xaa55);
    // boot.img's code is in place (not zeros), and the GPT's protective partition survived it
    expect(mbr.subarray(0, 440).some((byte) => byte !== 0)).toBe(true);
    expect(mbr[446 + 4]).toBe(0xee);
  });
});
