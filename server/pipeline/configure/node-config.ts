import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events';
import { ESP_LABEL, ROOT_LABEL } from '../disk/grub-config';

/** Modules kubeadm's preflight and the CRI need: overlayfs for images, br_netfilter for bridged pod traffic. */
export const REQUIRED_KERNEL_MODULES = ['overlay', 'br_netfilter'];

/** Sysctls kubeadm checks; without them bridged pod traffic bypasses iptables. */
export const REQUIRED_SYSCTLS: Record<string, string> = {
  'net.bridge.bridge-nf-call-iptables': '1',
  'net.bridge.bridge-nf-call-ip6tables': '1',
  'net.ipv4.ip_forward': '1',
};

export function renderModulesLoad(modules: readonly string[]): string {
  return [...new Set(modules)].join('\n') + '\n';
}

export function renderSysctlConf(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => {
      if (/[\n\r=]/.test(key) || /[\n\r]/.test(value)) throw new Error(`invalid sysctl ${JSON.stringify(key)}`);
      return `${key} = ${value}`;
    })
    .join('\n') + '\n';
}

/**
 * containerd's CRI settings for kubeadm: the systemd cgroup driver (kubelet's default
 * since 1.22) and the pause image of this Kubernetes minor. containerd 2.x reads the
 * version 3 layout where CRI is split into runtime and images plugins.
 */
export function renderContainerdConfig(opts: { containerdVersion: string; systemdCgroup: boolean; pauseImage: string }): string {
  const major = Number(opts.containerdVersion.split('.')[0]);
  const cgroup = opts.systemdCgroup ? 'true' : 'false';
  const pause = JSON.stringify(opts.pauseImage);
  if (major >= 2) {
    return [
      'version = 3',
      '',
      "[plugins.'io.containerd.cri.v1.images'.pinned_images]",
      `  sandbox = ${pause}`,
      '',
      "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]",
      "  runtime_type = 'io.containerd.runc.v2'",
      '',
      "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]",
      `  SystemdCgroup = ${cgroup}`,
      '',
      "[plugins.'io.containerd.cri.v1.runtime'.cni]",
      "  bin_dirs = ['/opt/cni/bin']",
      "  conf_dir = '/etc/cni/net.d'",
      '',
    ].join('\n');
  }
  return [
    'version = 2',
    '',
    '[plugins."io.containerd.grpc.v1.cri"]',
    `  sandbox_image = ${pause}`,
    '',
    '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    `  SystemdCgroup = ${cgroup}`,
    '',
    '[plugins."io.containerd.grpc.v1.cri".cni]',
    '  bin_dir = "/opt/cni/bin"',
    '  conf_dir = "/etc/cni/net.d"',
    '',
  ].join('\n');
}

export const CRICTL_CONFIG = [
  'runtime-endpoint: unix:///run/containerd/containerd.sock',
  'image-endpoint: unix:///run/containerd/containerd.sock',
  'timeout: 10',
  '',
].join('\n');

/**
 * The datasources a node image meets: NoCloud (ISO seeds, Cluster API on bare hypervisors),
 * ConfigDrive (OpenStack), VMware (guestinfo), Ec2. No `None` fallback: without any
 * datasource cloud-init disables itself instead of slowing every boot.
 */
export const CLOUD_INIT_DATASOURCES = 'datasource_list: [ NoCloud, ConfigDrive, VMware, Ec2 ]\n';

export const FSTAB = [
  `LABEL=${ROOT_LABEL} / ext4 errors=remount-ro 0 1`,
  `LABEL=${ESP_LABEL} /boot/efi vfat umask=0077,nofail 0 2`,
  '',
].join('\n');

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
