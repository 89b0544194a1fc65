/**
 * Installs GRUB for BIOS without grub-bios-setup (which wants a block device): the
 * core image goes into the BIOS boot partition, boot.img into the MBR's code area.
 * Offsets are GRUB's own constants from include/grub/i386/pc/boot.h and diskboot.S.
 */
import { SECTOR_BYTES } from './partition-layout';

/** boot.img: 64-bit LBA of the first core.img sector. */
export const BOOT_KERNEL_SECTOR_OFFSET = 0x5c;
/** boot.img: a `jz` that treats some drives as floppies; grub-bios-setup NOPs it for hard disks. */
export const BOOT_DRIVE_CHECK_OFFSET = 0x66;
/** MBR bytes before the disk signature and partition table, which must be kept. */
export const MBR_CODE_BYTES = 440;
/** diskboot.img (core.img's first sector): first blocklist entry, counting down from the sector end. */
export const DISKBOOT_BLOCKLIST_OFFSET = SECTOR_BYTES - 12;

/**
 * Returns the new first sector: boot.img's code with the core.img pointer, keeping the
 * existing protective MBR's signature and partition table (bytes 440..511).
 */
export function patchBootSector(bootImg: Buffer, existingMbr: Buffer, coreStartSector: number): Buffer {
  if (bootImg.length !== SECTOR_BYTES) throw new Error(`boot.img must be ${SECTOR_BYTES} bytes, got ${bootImg.length}`);
  if (existingMbr.length !== SECTOR_BYTES) throw new Error('existing MBR must be one sector');
  const sector = Buffer.from(existingMbr);
  bootImg.copy(sector, 0, 0, MBR_CODE_BYTES);
  sector.writeBigUInt64LE(BigInt(coreStartSector), BOOT_KERNEL_SECTOR_OFFSET);
  sector[BOOT_DRIVE_CHECK_OFFSET] = 0x90;
  sector[BOOT_DRIVE_CHECK_OFFSET + 1] = 0x90;
  return sector;
}

/**
 * Points diskboot's blocklist at the rest of core.img, which lies contiguously right
 * after its first sector inside the BIOS boot partition.
 */
export function patchCoreImage(coreImg: Buffer, coreStartSector: number, maxSectors: number): Buffer {
  const sectors = Math.ceil(coreImg.length / SECTOR_BYTES);
  if (sectors > maxSectors) throw new Error(`core.img needs ${sectors} sectors but the BIOS boot partition has ${maxSectors}`);
  if (sectors - 1 > 0xffff) throw new Error('core.img too large for one blocklist entry');
  const core = Buffer.alloc(sectors * SECTOR_BYTES);
  coreImg.copy(core);
  core.writeBigUInt64LE(BigInt(coreStartSector + 1), DISKBOOT_BLOCKLIST_OFFSET);
  core.writeUInt16LE(sectors - 1, DISKBOOT_BLOCKLIST_OFFSET + 8);
  return core;
}
