import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { NodeImage } from '../../src/spec/schema';

export interface HostTool {
  command: string;
  /** The Debian package that provides it. */
  debianPackage: string;
  why: string;
}

export interface MissingHostTool extends HostTool {
  /** File-based requirements (firmware blobs, GRUB modules) name the path instead of a command. */
  path?: string;
}

const always: HostTool[] = [
  { command: 'mmdebstrap', debianPackage: 'mmdebstrap', why: 'bootstraps the root filesystem' },
  { command: 'unshare', debianPackage: 'util-linux', why: 'isolates chroot commands' },
  { command: 'tar', debianPackage: 'tar', why: 'caches the base tree' },
  { command: 'zstd', debianPackage: 'zstd', why: 'compresses the base-tree cache' },
  { command: 'gpg', debianPackage: 'gnupg', why: 'converts repository signing keys' },
  { command: 'dpkg-query', debianPackage: 'dpkg', why: 'lists installed packages for the SBOM' },
  { command: 'sfdisk', debianPackage: 'fdisk', why: 'partitions the disk image' },
  { command: 'mkfs.ext4', debianPackage: 'e2fsprogs', why: 'writes the root filesystem' },
  { command: 'debugfs', debianPackage: 'e2fsprogs', why: 'adds the check unit to the verify copy' },
  { command: 'mkfs.fat', debianPackage: 'dosfstools', why: 'formats the EFI system partition' },
  { command: 'mcopy', debianPackage: 'mtools', why: 'copies GRUB into the EFI system partition' },
  { command: 'grub-mkimage', debianPackage: 'grub-common', why: 'builds GRUB core images' },
  { command: 'qemu-img', debianPackage: 'qemu-utils', why: 'converts the disk to qcow2 and VMDK' },
];

const files: { path: string; debianPackage: string; why: string; when: (image: NodeImage) => boolean }[] = [
  { path: '/usr/lib/grub/i386-pc/boot.img', debianPackage: 'grub-pc-bin', why: 'BIOS boot code', when: (i) => i.spec.disk.firmware !== 'uefi' },
  { path: '/usr/lib/grub/x86_64-efi/linux.mod', debianPackage: 'grub-efi-amd64-bin', why: 'UEFI GRUB modules', when: (i) => i.spec.disk.firmware !== 'bios' },
  {
    path: '/usr/share/OVMF/OVMF_CODE_4M.fd',
    debianPackage: 'ovmf',
    why: 'UEFI firmware for the boot check',
    when: (i) => i.spec.verify.enabled && i.spec.disk.firmware === 'uefi',
  },
];

/** Tools the spec needs on this host; missing ones are reported together, before any work starts. */
export function requiredHostTools(image: NodeImage): HostTool[] {
  const tools = [...always];
  if (image.spec.verify.enabled) {
    tools.push({ command: 'qemu-system-x86_64', debianPackage: 'qemu-system-x86', why: 'boots the image to verify it' });
    tools.push({ command: 'genisoimage', debianPackage: 'genisoimage', why: 'writes the Cluster API bootstrap data seed for the boot check' });
  }
  return tools;
}

export async function checkHostTools(image: NodeImage, searchPath = process.env.PATH ?? ''): Promise<MissingHostTool[]> {
  const dirs = [...searchPath.split(delimiter), '/usr/sbin', '/sbin'].filter(Boolean);
  const missing: MissingHostTool[] = [];
  for (const tool of requiredHostTools(image)) {
    if (!(await findExecutable(tool.command, dirs))) missing.push(tool);
  }
  for (const file of files) {
    if (!file.when(image)) continue;
    if (
      !(await access(file.path, constants.R_OK).then(
        () => true,
        () => false,
      ))
    ) {
      missing.push({ command: file.path, path: file.path, debianPackage: file.debianPackage, why: file.why });
    }
  }
  return missing;
}

async function findExecutable(command: string, dirs: string[]): Promise<boolean> {
  for (const dir of dirs) {
    if (
      await access(join(dir, command), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

export function describeMissingTools(missing: readonly MissingHostTool[]): string {
  const packages = [...new Set(missing.map((m) => m.debianPackage))].sort();
  const lines = missing.map((m) => `${m.command} (${m.why}) from Debian package ${m.debianPackage}`);
  return `missing host tools: ${lines.join('; ')}. Install with: apt-get install ${packages.join(' ')}`;
}
