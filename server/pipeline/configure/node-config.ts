import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events';
import { ESP_LABEL, ROOT_LABEL } from '../disk/grub-config';

export {
  CRICTL_CONFIG,
  REQUIRED_KERNEL_MODULES,
  REQUIRED_SYSCTLS,
  renderContainerdConfig,
  renderModulesLoad,
  renderSysctlConf,
} from '../../../src/spec/node-definition';

export const FSTAB = [`LABEL=${ROOT_LABEL} / ext4 errors=remount-ro 0 1`, `LABEL=${ESP_LABEL} /boot/efi vfat umask=0077,nofail 0 2`, ''].join('\n');

/** DHCP on the first wired NIC when no datasource provides a network config. */
export const DHCP_NETWORK = ['[Match]', 'Name=en* eth*', '', '[Network]', 'DHCP=yes', '', '[DHCPv4]', 'UseDomains=true', ''].join('\n');

/**
 * Host keys are deleted at sysprep so clones do not share them; this regenerates them
 * on first boot whether or not cloud-init runs.
 */
export const SSH_HOSTKEYS_UNIT = `[Unit]
Description=Generate SSH host keys on first boot
ConditionPathExistsGlob=!/etc/ssh/ssh_host_*_key
Before=ssh.service sshd.service

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -A

[Install]
WantedBy=multi-user.target
`;

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
