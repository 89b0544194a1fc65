import { open, readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecOptions, ExecResult } from '../exec';
import { patchBootSector, patchCoreImage } from './grub-bios-patch';
import { ESP_LABEL, GRUB_BIOS_MODULES, GRUB_EFI_MODULES, ROOT_LABEL, renderEarlyGrubConfig } from './grub-config';
import { type DiskLayout, SECTOR_BYTES, renderSfdiskScript, sectorsToBytes } from './partition-layout';

export type Firmware = 'bios' | 'uefi' | 'hybrid';

export type Exec = (command: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

export interface DiskImageRequest {
  tree: string;
  diskPath: string;
  scratchDir: string;
  layout: DiskLayout;
  firmware: Firmware;
  exec: Exec;
  progress?: (percent: number, message: string) => void;
}

const GRUB_LIB = '/usr/lib/grub';

/**
 * Writes a bootable GPT disk image into a plain file: no loop devices, no mounts, so it
 * works the same as root on a VM, in a container, or on CI.
 */
export async function buildDiskImage(req: DiskImageRequest): Promise<void> {
  const { layout, exec, diskPath } = req;
  const report = req.progress ?? (() => undefined);
  await mkdir(req.scratchDir, { recursive: true });

  const handle = await open(diskPath, 'w');
  await handle.truncate(layout.totalBytes); // sparse: only written blocks take space
  await handle.close();

  report(5, 'partitioning');
  await exec('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', diskPath], { input: renderSfdiskScript(layout) });

  report(10, 'writing root filesystem');
  await exec('mkfs.ext4', [
    '-F',
    '-q',
    '-L',
    ROOT_LABEL,
    '-E',
    `offset=${sectorsToBytes(layout.root.startSector)}`,
    '-d',
    req.tree,
    diskPath,
    `${sectorsToBytes(layout.root.sizeSectors) / 1024}k`,
  ]);

  const earlyConfig = join(req.scratchDir, 'early-grub.cfg');
  await writeFile(earlyConfig, renderEarlyGrubConfig());

  report(70, 'writing EFI system partition');
  // The ESP is made in a file of its own, exactly the partition's size, then copied in:
  // mkfs.fat sizes a file system by its whole target, and told a smaller block count
  // (as `--offset` into the disk needs) it warns "block count mismatch" on every build.
  const espStart = layout.esp.startSector;
  const espImage = join(req.scratchDir, 'esp.img');
  const esp = await open(espImage, 'w');
  await esp.truncate(sectorsToBytes(layout.esp.sizeSectors));
  await esp.close();
  // -h: the partition's first sector, which the boot sector records as "hidden sectors"
  await exec('mkfs.fat', ['-F', '32', '-s', '2', '-n', ESP_LABEL, '-h', String(espStart), espImage]);

  if (req.firmware !== 'bios') {
    report(80, 'installing GRUB for UEFI');
    const efiImage = join(req.scratchDir, 'BOOTX64.EFI');
    await exec('grub-mkimage', [
      '-O',
      'x86_64-efi',
      '-d',
      `${GRUB_LIB}/x86_64-efi`,
      '-p',
      '/boot/grub',
      '-c',
      earlyConfig,
      '-o',
      efiImage,
      ...GRUB_EFI_MODULES,
    ]);
    const mtoolsEnv = { MTOOLS_SKIP_CHECK: '1' };
    await exec('mmd', ['-i', espImage, '::/EFI', '::/EFI/BOOT'], { env: mtoolsEnv });
    await exec('mcopy', ['-i', espImage, efiImage, '::/EFI/BOOT/BOOTX64.EFI'], { env: mtoolsEnv });
  }
  await copyIntoDisk(espImage, diskPath, sectorsToBytes(espStart));
  await rm(espImage, { force: true });

  if (req.firmware !== 'uefi') {
    report(90, 'installing GRUB for BIOS');
    const coreImage = join(req.scratchDir, 'core.img');
    await exec('grub-mkimage', ['-O', 'i386-pc', '-d', `${GRUB_LIB}/i386-pc`, '-p', '/boot/grub', '-c', earlyConfig, '-o', coreImage, ...GRUB_BIOS_MODULES]);
    await installBiosBootCode(diskPath, layout, await readFile(coreImage), await readFile(`${GRUB_LIB}/i386-pc/boot.img`));
  }
  report(100, 'disk written');
}

const COPY_CHUNK_BYTES = 1024 * 1024;

/**
 * Writes `source` into `diskPath` at `offset`, skipping all-zero chunks: the disk is a
 * fresh sparse file, zero there already, so it stays sparse where the ESP is empty.
 */
async function copyIntoDisk(source: string, diskPath: string, offset: number): Promise<void> {
  const from = await open(source, 'r');
  const to = await open(diskPath, 'r+');
  try {
    const chunk = Buffer.alloc(COPY_CHUNK_BYTES);
    const zeros = Buffer.alloc(COPY_CHUNK_BYTES);
    for (let position = 0; ; position += COPY_CHUNK_BYTES) {
      const { bytesRead } = await from.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      if (!chunk.subarray(0, bytesRead).equals(zeros.subarray(0, bytesRead))) await to.write(chunk, 0, bytesRead, offset + position);
    }
  } finally {
    await from.close();
    await to.close();
  }
}

async function installBiosBootCode(diskPath: string, layout: DiskLayout, coreImg: Buffer, bootImg: Buffer): Promise<void> {
  const coreStart = layout.biosBoot.startSector;
  const core = patchCoreImage(coreImg, coreStart, layout.biosBoot.sizeSectors);
  const handle = await open(diskPath, 'r+');
  try {
    const mbr = Buffer.alloc(SECTOR_BYTES);
    await handle.read(mbr, 0, SECTOR_BYTES, 0);
    await handle.write(core, 0, core.length, sectorsToBytes(coreStart));
    await handle.write(patchBootSector(bootImg, mbr, coreStart), 0, SECTOR_BYTES, 0);
  } finally {
    await handle.close();
  }
}
