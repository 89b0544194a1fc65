import { findRelease } from '../../../src/spec/catalog';
import { CNI_PLUGINS_PACKAGE, KUBEADM_HOST_PACKAGES } from '../../../src/spec/node-kubernetes';
import type { NodeImageSpec } from '../../../src/spec/schema';

/**
 * What every node needs besides Kubernetes itself: an init system, the kernel, the
 * runtime's helpers (iptables, conntrack, socat, ebtables, ethtool for kubeadm's
 * preflight), cloud-init for first-boot configuration, and SSH.
 */
export const NODE_BASE_PACKAGES = [
  'systemd-sysv',
  'udev',
  'dbus',
  'kmod',
  'iproute2',
  ...KUBEADM_HOST_PACKAGES,
  'cloud-init',
  'cloud-guest-utils',
  'openssh-server',
  'ca-certificates',
  'sudo',
  'systemd-timesyncd',
  'systemd-resolved',
  'apparmor',
  'curl',
  'gnupg',
  'zstd',
  'initramfs-tools',
  'e2fsprogs',
  'python3',
];

/** The packages mmdebstrap installs for this spec, in a stable order. */
export function rootfsPackages(spec: NodeImageSpec): string[] {
  const release = findRelease(spec.os.release);
  const kernel = release?.kernelPackage ?? 'linux-image-amd64';
  const runtime = spec.runtime.source === 'distro' ? ['containerd', 'runc'] : spec.runtime.upstream?.runcUrl ? [] : ['runc'];
  // binaries-sourced Kubernetes still needs the CNI plugins; the distro package provides them
  const cni = spec.kubernetes.source.type === 'binaries' ? [CNI_PLUGINS_PACKAGE] : [];
  // Ubuntu 22.04 still ships systemd-resolved inside the systemd package
  const base = spec.os.release === 'jammy' ? NODE_BASE_PACKAGES.filter((p) => p !== 'systemd-resolved') : NODE_BASE_PACKAGES;
  return [...base, kernel, ...runtime, ...cni, ...spec.packages];
}

/**
 * initramfs-tools settings written before the kernel package is installed, so its
 * postinst builds one small initramfs (~8 s) instead of a `MODULES=most` one twice
 * (~60 s each). The driver list covers virtio, SATA/IDE, NVMe, VMware PVSCSI/LSI,
 * Hyper-V and Xen disks.
 */
export const INITRAMFS_DRIVERS = [
  'virtio_pci',
  'virtio_blk',
  'virtio_scsi',
  'virtio_net',
  'sd_mod',
  'sr_mod',
  'ahci',
  'ata_piix',
  'ata_generic',
  'nvme',
  'vmw_pvscsi',
  'mptspi',
  'mptsas',
  'hv_storvsc',
  'hv_vmbus',
  'xen_blkfront',
  'ext4',
  'crc32c_generic',
];

/** mmdebstrap runs this executable with the root directory as its only argument. */
export function renderInitramfsHook(): string {
  return [
    '#!/bin/sh',
    'set -eu',
    'root="$1"',
    'mkdir -p "$root/etc/initramfs-tools/conf.d"',
    `printf '%s\\n' 'MODULES=list' 'COMPRESS=zstd' > "$root/etc/initramfs-tools/conf.d/stamper.conf"`,
    `printf '%s\\n' ${INITRAMFS_DRIVERS.join(' ')} > "$root/etc/initramfs-tools/modules"`,
    '',
  ].join('\n');
}

/** Documentation, man pages and translations are dead weight on a node. */
export const DPKG_EXCLUDES = [
  'path-exclude=/usr/share/man/*',
  'path-exclude=/usr/share/doc/*',
  'path-include=/usr/share/doc/*/copyright',
  'path-exclude=/usr/share/locale/*',
  'path-include=/usr/share/locale/locale.alias',
  'path-exclude=/usr/share/info/*',
  '',
].join('\n');
