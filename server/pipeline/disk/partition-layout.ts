/**
 * Sector math for the GPT disk: BIOS boot partition (for GRUB's core.img on BIOS),
 * EFI system partition, and the ext4 root filling the rest. Everything is 1 MiB aligned
 * so the image performs well on any storage and converts cleanly to VMDK grains.
 */
export const SECTOR_BYTES = 512;
const MIB_SECTORS = 2048;
/** Backup GPT header + 128 entries of 128 bytes at the end of the disk. */
const BACKUP_GPT_SECTORS = 33;

export const GPT_TYPE = {
  biosBoot: '21686148-6449-6E6F-744E-656564454649',
  esp: 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
  linuxFilesystem: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
} as const;

export interface PartitionExtent {
  name: string;
  type: string;
  startSector: number;
  sizeSectors: number;
}

export interface DiskLayout {
  totalBytes: number;
  totalSectors: number;
  biosBoot: PartitionExtent;
  esp: PartitionExtent;
  root: PartitionExtent;
}

export const ESP_MIB = 128;

export function planDiskLayout(sizeGiB: number): DiskLayout {
  if (!Number.isInteger(sizeGiB) || sizeGiB < 2) throw new Error(`disk size must be a whole number of GiB ≥ 2, got ${sizeGiB}`);
  const totalBytes = sizeGiB * 1024 * 1024 * 1024;
  const totalSectors = totalBytes / SECTOR_BYTES;
  const biosBoot = { name: 'bios', type: GPT_TYPE.biosBoot, startSector: MIB_SECTORS, sizeSectors: MIB_SECTORS };
  const esp = { name: 'esp', type: GPT_TYPE.esp, startSector: 2 * MIB_SECTORS, sizeSectors: ESP_MIB * MIB_SECTORS };
  const rootStart = esp.startSector + esp.sizeSectors;
  const lastUsable = totalSectors - BACKUP_GPT_SECTORS - 1;
  const rootEnd = Math.floor((lastUsable + 1) / MIB_SECTORS) * MIB_SECTORS; // exclusive, aligned down
  const root = { name: 'root', type: GPT_TYPE.linuxFilesystem, startSector: rootStart, sizeSectors: rootEnd - rootStart };
  return { totalBytes, totalSectors, biosBoot, esp, root };
}

/** The script `sfdisk` reads on stdin; it creates the GPT on a plain file, no loop device. */
export function renderSfdiskScript(layout: DiskLayout, diskGuid?: string): string {
  const lines = ['label: gpt', 'first-lba: 2048'];
  if (diskGuid) lines.push(`label-id: ${diskGuid}`);
  for (const p of [layout.biosBoot, layout.esp, layout.root]) {
    lines.push(`start=${p.startSector}, size=${p.sizeSectors}, type=${p.type}, name="${p.name}"`);
  }
  return lines.join('\n') + '\n';
}

export const sectorsToBytes = (sectors: number): number => sectors * SECTOR_BYTES;
