import { resolveVersions } from './defaults';
import {
  CLOUD_INIT_DATASOURCES,
  CRICTL_CONFIG,
  REQUIRED_KERNEL_MODULES,
  REQUIRED_SYSCTLS,
  SSH_HOSTKEYS_UNIT,
  UPSTREAM_CONTAINERD_UNIT,
  UPSTREAM_CONTAINERD_UNIT_PATH,
  renderContainerdConfig,
  renderModulesLoad,
  renderSysctlConf,
} from './node-definition';
import {
  KUBEADM_DROPIN,
  KUBEADM_DROPIN_PATH,
  KUBELET_SERVICE,
  KUBELET_SERVICE_PATH,
  KUBERNETES_SOURCE_PATH,
  renderKubernetesAptSource,
} from './node-kubernetes';
import type { NodeImageSpec } from './schema';

/** One file of the node definition, at its absolute path inside the image. */
export interface NodeFile {
  path: string;
  content: string;
}

/** The runtime's files: a unit for an upstream containerd (the distro package ships its own). */
export function runtimeNodeFiles(spec: NodeImageSpec): NodeFile[] {
  return spec.runtime.source === 'upstream' ? [{ path: UPSTREAM_CONTAINERD_UNIT_PATH, content: UPSTREAM_CONTAINERD_UNIT }] : [];
}

/** Kubernetes' files: the repository entry, or the units the packages would have shipped. */
export function kubernetesNodeFiles(spec: NodeImageSpec): NodeFile[] {
  if (spec.kubernetes.source.type === 'binaries') {
    return [
      { path: KUBELET_SERVICE_PATH, content: KUBELET_SERVICE },
      { path: KUBEADM_DROPIN_PATH, content: KUBEADM_DROPIN },
    ];
  }
  const repository = resolveVersions(spec).aptRepository;
  if (!repository) throw new Error('apt source without a repository');
  return [{ path: KUBERNETES_SOURCE_PATH, content: renderKubernetesAptSource(repository) }];
}

/** The node settings: kernel modules and sysctls (kubeadm's and the spec's), containerd and crictl, cloud-init, first-boot SSH keys. */
export function nodeSettingsFiles(spec: NodeImageSpec, facts: { containerdVersion: string }): NodeFile[] {
  const files: NodeFile[] = [
    { path: '/etc/modules-load.d/kubernetes.conf', content: renderModulesLoad(REQUIRED_KERNEL_MODULES) },
    // 99-kubernetes-cri sorts before 99-stamper-user, so a user's sysctl can override it
    { path: '/etc/sysctl.d/99-kubernetes-cri.conf', content: renderSysctlConf(REQUIRED_SYSCTLS) },
  ];
  if (spec.kernelModules.length > 0) files.push({ path: '/etc/modules-load.d/stamper-user.conf', content: renderModulesLoad(spec.kernelModules) });
  if (Object.keys(spec.sysctl).length > 0) files.push({ path: '/etc/sysctl.d/99-stamper-user.conf', content: renderSysctlConf(spec.sysctl) });
  const containerdConfig = renderContainerdConfig({
    containerdVersion: facts.containerdVersion,
    systemdCgroup: spec.runtime.systemdCgroup,
    pauseImage: resolveVersions(spec).pauseImage,
  });
  files.push(
    { path: '/etc/containerd/config.toml', content: containerdConfig },
    { path: '/etc/crictl.yaml', content: CRICTL_CONFIG },
    { path: '/etc/cloud/cloud.cfg.d/90-stamper-datasources.cfg', content: CLOUD_INIT_DATASOURCES },
    { path: '/etc/systemd/system/stamper-ssh-hostkeys.service', content: SSH_HOSTKEYS_UNIT },
  );
  return files;
}
