/** The root filesystem label GRUB searches for and the kernel mounts; fstab uses it too. */
export const ROOT_LABEL = 'rootfs';
export const ESP_LABEL = 'ESP';

/**
 * Embedded into both core images: find the root by label and hand over to the
 * grub.cfg inside it, so the same tree boots from BIOS and UEFI.
 */
export function renderEarlyGrubConfig(): string {
  return [`search --no-floppy --label --set=root ${ROOT_LABEL}`, 'set prefix=($root)/boot/grub', 'configfile ($root)/boot/grub/grub.cfg', ''].join('\n');
}

const SAFE_KERNEL_ARG = /^[A-Za-z0-9_.,:=/+@-]+$/;

/**
 * grub.cfg uses the /vmlinuz and /initrd.img symlinks the kernel packages maintain (in / on
 * Debian, in /boot on Ubuntu), so kernel upgrades inside the node keep booting,
 * and a serial console so headless hypervisors (and our boot check) see the boot.
 */
export function renderGrubConfig(kernelArgs: readonly string[], bootFiles = { kernel: '/vmlinuz', initrd: '/initrd.img' }): string {
  for (const arg of kernelArgs) {
    // grub.cfg is a script: anything beyond plain key=value tokens could change its meaning
    if (!SAFE_KERNEL_ARG.test(arg)) throw new Error(`kernel argument not allowed in grub.cfg: ${JSON.stringify(arg)}`);
  }
  const cmdline = [`root=LABEL=${ROOT_LABEL}`, 'ro', 'console=tty0', 'console=ttyS0,115200n8', ...kernelArgs].join(' ');
  return [
    'serial --unit=0 --speed=115200',
    'terminal_input serial console',
    'terminal_output serial console',
    'set timeout=1',
    'set default=0',
    "menuentry 'Kubernetes node' {",
    '  insmod gzio',
    `  linux ${bootFiles.kernel} ${cmdline}`,
    `  initrd ${bootFiles.initrd}`,
    '}',
    '',
  ].join('\n');
}

/** Modules compiled into the core images; there is no /boot/grub/<platform> directory on disk. */
export const GRUB_COMMON_MODULES = [
  'part_gpt',
  'part_msdos',
  'ext2',
  'fat',
  'normal',
  'search',
  'search_label',
  'search_fs_uuid',
  'configfile',
  'linux',
  'echo',
  'serial',
  'terminal',
  'test',
  'gzio',
  'boot',
  'minicmd',
  'sleep',
];
export const GRUB_BIOS_MODULES = [...GRUB_COMMON_MODULES, 'biosdisk'];
export const GRUB_EFI_MODULES = [...GRUB_COMMON_MODULES, 'efi_gop', 'efi_uga', 'all_video'];
