import { findRelease } from './catalog';
import type { NodeImageSpec } from './schema';

/**
 * The node requirements both the native configure stage and the Packer/shell export render
 * from, so the two cannot build different nodes. Pure data and renderers (shared with the browser).
 */

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
  return (
    Object.entries(values)
      .map(([key, value]) => {
        if (/[\n\r=]/.test(key) || /[\n\r]/.test(value)) throw new Error(`invalid sysctl ${JSON.stringify(key)}`);
        return `${key} = ${value}`;
      })
      .join('\n') + '\n'
  );
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
 * The containerd version the config layout is chosen for: an upstream tarball's declared
 * version, else the version the image really has (the native build reads it from the
 * tree), else the release's own package as the catalog lists it.
 */
export function containerdVersionFor(spec: NodeImageSpec, installed?: string | null): string {
  if (spec.runtime.source === 'upstream') return spec.runtime.version ?? '2.0.0';
  return installed ?? findRelease(spec.os.release)?.containerd ?? '1.7.0';
}

/** containerd's own systemd unit from its repository, pointing at the /usr/local install of an upstream tarball. */
export const UPSTREAM_CONTAINERD_UNIT_PATH = '/etc/systemd/system/containerd.service';
export const UPSTREAM_CONTAINERD_UNIT = `[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target dbus.service

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
`;

/**
 * The datasources a node image meets: NoCloud (ISO seeds, Cluster API on bare hypervisors),
 * ConfigDrive (OpenStack), VMware (guestinfo), Ec2. No `None` fallback: without any
 * datasource cloud-init disables itself instead of slowing every boot.
 */
export const CLOUD_INIT_DATASOURCES = 'datasource_list: [ NoCloud, ConfigDrive, VMware, Ec2 ]\n';

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

/**
 * The units every node enables. kubelet is enabled but not started at build time: it
 * restarts until kubeadm writes its config.
 */
export const NODE_SERVICES = ['kubelet.service', 'containerd.service', 'stamper-ssh-hostkeys.service'];
