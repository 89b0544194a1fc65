import { open, readFile, writeFile, mkdir } from 'node:fs/promises';
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
  const espStart = layout.esp.startSector;
  await exec('mkfs.fat', [
    '-F',
    '32',
    '-s',
    '2',
    '-n',
    ESP_LABEL,
    '-h',
    String(espStart),
    '--offset',
    String(espStart),
    diskPath,
    String(sectorsToBytes(layout.esp.sizeSectors) / 1024),
  ]);

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
    const espImage = `${diskPath}@@${sectorsToBytes(espStart)}`;
    const mtoolsEnv = { MTOOLS_SKIP_CHECK: '1' };
    await exec('mmd', ['-i', espImage, '::/EFI', '::/EFI/BOOT'], { env: mtoolsEnv });
    await exec('mcopy', ['-i', espImage, efiImage, '::/EFI/BOOT/BOOTX64.EFI'], { env: mtoolsEnv });
  }

  if (req.firmware !== 'uefi') {
    report(90, 'installing GRUB for BIOS');
    const coreImage = join(req.scratchDir, 'core.img');
    await exec('grub-mkimage', ['-O', 'i386-pc', '-d', `${GRUB_LIB}/i386-pc`, '-p', '/boot/grub', '-c', earlyConfig, '-o', coreImage, ...GRUB_BIOS_MODULES]);
    await installBiosBootCode(diskPath, layout, await readFile(coreImage), await readFile(`${GRUB_LIB}/i386-pc/boot.img`));
  }
  report(100, 'disk written');
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
