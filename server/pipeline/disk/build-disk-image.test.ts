import { mkdir, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../exec.ts';
import { buildDiskImage } from './build-disk-image.ts';
import { planDiskLayout, sectorsToBytes } from './partition-layout.ts';

let work: string;
const layout = planDiskLayout(2);
const output: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stamper-disk-'));
  const tree = join(work, 'tree');
  await mkdir(join(tree, 'etc'), { recursive: true });
  await writeFile(join(tree, 'etc/hostname'), 'node\n');
  // the real tools, with every line they print kept, as the disk stage's log would show it
  await buildDiskImage({
    tree,
    diskPath: join(work, 'disk.raw'),
    scratchDir: join(work, 'scratch'),
    layout,
    firmware: 'hybrid',
    exec: (command, args, options) => runProcess(command, args, { ...options, onLine: (line) => output.push(`${command}: ${line}`) }),
  });
}, 60_000);
afterAll(() => rm(work, { recursive: true, force: true }));

/** The ESP's bytes, copied out of the disk, so fsck.fat (which takes no offset) can read them. */
async function extractEsp(): Promise<string> {
  const file = join(work, 'esp.img');
  const disk = await open(join(work, 'disk.raw'), 'r');
  try {
    const bytes = Buffer.alloc(sectorsToBytes(layout.esp.sizeSectors));
    await disk.read(bytes, 0, bytes.length, sectorsToBytes(layout.esp.startSector));
    await writeFile(file, bytes);
  } finally {
    await disk.close();
  }
  return file;
}

describe('buildDiskImage', () => {
  it('prints no "block count mismatch": mkfs.fat is told the size of the file it formats', () => {
    expect(output.filter((line) => /block count mismatch/i.test(line))).toEqual([]);
  });

  it('leaves a clean FAT32 ESP of the partition’s size, at its offset, holding the UEFI loader', async () => {
    const esp = await extractEsp();
    const check = await runProcess('fsck.fat', ['-n', '-v', esp], { captureStdout: true });
    expect(check.stdout).toMatch(/\d+ files, \d+\/\d+ clusters/);
    // the file system spans the whole partition: its sector count is the partition's
    const sizes = await runProcess('minfo', ['-i', esp, '::'], { captureStdout: true, env: { MTOOLS_SKIP_CHECK: '1' } });
    expect(sizes.stdout).toMatch(new RegExp(`big size: ${layout.esp.sizeSectors} sectors`));
    expect(sizes.stdout).toMatch(new RegExp(`hidden sectors: ${layout.esp.startSector}`));
    const listing = await runProcess('mdir', ['-i', esp, '-b', '::/EFI/BOOT'], { captureStdout: true, env: { MTOOLS_SKIP_CHECK: '1' } });
    expect(listing.stdout).toContain('BOOTX64.EFI');
    await runProcess('sfdisk', ['--verify', join(work, 'disk.raw')]);
  });
});
