import { mkdir } from 'node:fs/promises';
import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events';
import { NODE_SERVICES } from '../../../src/spec/node-definition';
import { nodeSettingsFiles, type NodeFile } from '../../../src/spec/node-files';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { ESP_LABEL, ROOT_LABEL } from '../disk/grub-config';
import { writeNodeFiles } from '../tree-files';
import { symlinkFreeTreePath } from '../tree-paths';

/**
 * What only the native build writes: a tree made from nothing needs the base system files
 * a distro cloud image already has (the Packer export starts from one), so these are not
 * part of the shared node definition in src/spec/node-files.ts.
 */
export const FSTAB = [`LABEL=${ROOT_LABEL} / ext4 errors=remount-ro 0 1`, `LABEL=${ESP_LABEL} /boot/efi vfat umask=0077,nofail 0 2`, ''].join('\n');

/** DHCP on the first wired NIC when no datasource provides a network config. */
export const DHCP_NETWORK = ['[Match]', 'Name=en* eth*', '', '[Network]', 'DHCP=yes', '', '[DHCPv4]', 'UseDomains=true', ''].join('\n');

export const NATIVE_BASE_FILES: readonly NodeFile[] = [
  // no swap entry: kubelet refuses to run with swap on
  { path: '/etc/fstab', content: FSTAB },
  { path: '/etc/hostname', content: 'localhost\n' },
  { path: '/etc/hosts', content: '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' },
  { path: '/etc/systemd/network/90-stamper-dhcp.network', content: DHCP_NETWORK },
];

/** The node's units plus the network daemon that reads DHCP_NETWORK (a cloud image has its own). */
export const NATIVE_SERVICES = [...NODE_SERVICES, 'systemd-networkd.service'];

/** Every file of the configure stage's node settings: the shared definition, then the native base files. */
export async function writeNodeSettings(tree: string, spec: NodeImageSpec, facts: { containerdVersion: string }): Promise<void> {
  await writeNodeFiles(tree, [...nodeSettingsFiles(spec, facts), ...NATIVE_BASE_FILES]);
  await mkdir(await symlinkFreeTreePath(tree, '/boot/efi'), { recursive: true });
}

export interface ReleaseInfo {
  buildKey: string;
  specName: string;
  os: string;
  kubernetesVersion: string;
  containerdVersion: string;
  buildDate: string;
  /** Set for images whose Kubernetes packages are stand-ins. */
  testImage?: string | null;
}

/** /etc/stamper-release: shell- and systemd-EnvironmentFile-compatible KEY='value' lines. */
export function renderStamperRelease(info: ReleaseInfo): string {
  const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;
  return [
    `STAMPER_BUILD_KEY=${quote(info.buildKey)}`,
    `STAMPER_SPEC_NAME=${quote(info.specName)}`,
    `STAMPER_OS=${quote(info.os)}`,
    `STAMPER_KUBERNETES_VERSION=${quote(info.kubernetesVersion)}`,
    `STAMPER_CONTAINERD_VERSION=${quote(info.containerdVersion)}`,
    `STAMPER_BUILD_DATE=${quote(info.buildDate)}`,
    ...(info.testImage ? [`STAMPER_TEST_IMAGE=${quote(`${TEST_IMAGE_NOTICE} (${info.testImage})`)}`] : []),
    '',
  ].join('\n');
}
