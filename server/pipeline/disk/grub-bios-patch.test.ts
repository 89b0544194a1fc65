import { describe, expect, it } from 'vitest';
import {
  BOOT_DRIVE_CHECK_OFFSET,
  BOOT_KERNEL_SECTOR_OFFSET,
  DISKBOOT_BLOCKLIST_OFFSET,
  MBR_CODE_BYTES,
  patchBootSector,
  patchCoreImage,
} from './grub-bios-patch';

describe('patchBootSector', () => {
  const bootImg = Buffer.alloc(512, 0xaa);
  const mbr = Buffer.alloc(512, 0);
  mbr.fill(0x11, 446, 510); // protective MBR partition entry
  mbr[510] = 0x55;
  mbr[511] = 0xaa;

  const sector = patchBootSector(bootImg, mbr, 2048);

  it('points at the core image sector as a 64-bit little-endian LBA', () => {
    expect(sector.readBigUInt64LE(BOOT_KERNEL_SECTOR_OFFSET)).toBe(2048n);
  });

  it('NOPs the floppy drive check', () => {
    expect([sector[BOOT_DRIVE_CHECK_OFFSET], sector[BOOT_DRIVE_CHECK_OFFSET + 1]]).toEqual([0x90, 0x90]);
  });

  it('keeps the partition table and boot signature of the existing MBR', () => {
    expect(sector.subarray(MBR_CODE_BYTES)).toEqual(mbr.subarray(MBR_CODE_BYTES));
    expect(sector[0]).toBe(0xaa);
  });

  it('does not modify its inputs', () => {
    expect(mbr[0]).toBe(0);
    expect(bootImg.readBigUInt64LE(BOOT_KERNEL_SECTOR_OFFSET)).not.toBe(2048n);
  });
});

describe('patchCoreImage', () => {
  it('sets the blocklist to the sectors after the first, padded to whole sectors', () => {
    const core = Buffer.alloc(512 * 60 + 100, 0x22);
    const patched = patchCoreImage(core, 2048, 2048);
    expect(patched.length).toBe(512 * 61);
    expect(patched.readBigUInt64LE(DISKBOOT_BLOCKLIST_OFFSET)).toBe(2049n);
    expect(patched.readUInt16LE(DISKBOOT_BLOCKLIST_OFFSET + 8)).toBe(60);
    expect(patched.subarray(patched.length - 412)).toEqual(Buffer.alloc(412)); // zero padding
  });

  it('refuses a core image larger than the BIOS boot partition', () => {
    expect(() => patchCoreImage(Buffer.alloc(512 * 10), 2048, 8)).toThrow(/needs 10 sectors/);
  });
});
