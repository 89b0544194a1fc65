import { withSlash } from './spec-sources';

/**
 * How Kubernetes itself lands on a node, shared by the native kubernetes stage and the
 * Packer/shell export: the package repository entry and pins, or for plain binaries the
 * layout the packages would have given.
 */

/** Host tools kubeadm's preflight checks for and kube-proxy uses. */
export const KUBEADM_HOST_PACKAGES = ['iptables', 'conntrack', 'socat', 'ebtables', 'ethtool'];

/** Where the Kubernetes apt repository's key and source entry live inside the image. */
export const KUBERNETES_KEYRING_PATH = '/etc/apt/keyrings/kubernetes-apt-keyring.gpg';
export const KUBERNETES_SOURCE_PATH = '/etc/apt/sources.list.d/kubernetes.list';

/** pkgs.k8s.io repositories are flat (`deb URL /`), one per Kubernetes minor. */
export function renderKubernetesAptSource(repository: string): string {
  const url = new URL(repository); // the schema validated it; this refuses anything that is not one URL
  if (!/^https?:$/.test(url.protocol)) throw new Error(`unsupported repository scheme: ${url.protocol}`);
  return `deb [signed-by=${KUBERNETES_KEYRING_PATH}] ${withSlash(url.href)} /\n`;
}

/**
 * Exact package pins: the Debian revision suffix differs between repositories
 * (pkgs.k8s.io uses -1.1), so the pin is `<version>-*`.
 */
export function kubernetesPackagePins(versions: { kubernetes: string; crictl: string; cni: string }): string[] {
  return [
    `kubelet=${versions.kubernetes}-*`,
    `kubeadm=${versions.kubernetes}-*`,
    `kubectl=${versions.kubernetes}-*`,
    `cri-tools=${versions.crictl}-*`,
    `kubernetes-cni=${versions.cni}-*`,
  ];
}

export const HELD_PACKAGES = ['kubelet', 'kubeadm', 'kubectl'];

/** Kubernetes binaries by URL go where the packages put them, so kubeadm finds one layout. */
export const KUBERNETES_BINARIES = ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const;
export const KUBERNETES_BINARY_DIR = '/usr/bin';
/** The distro's CNI plugins package; kubelet and containerd look for plugins in /opt/cni/bin. */
export const CNI_PLUGINS_PACKAGE = 'containernetworking-plugins';
export const CNI_PLUGINS_DIR = '/usr/lib/cni';

/** /usr/lib, not /lib: every supported release has merged /usr, and writes into the image refuse symlinked directories. */
export const KUBELET_SERVICE_PATH = '/usr/lib/systemd/system/kubelet.service';
export const KUBEADM_DROPIN_PATH = '/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf';

/**
 * The kubelet unit and kubeadm drop-in that the Kubernetes packages ship
 * (kubernetes/release, cmd/krel/templates), installed when Kubernetes comes as plain
 * binaries. The drop-in carries kubelet's flags: kubeadm writes the files they name.
 */
export const KUBELET_SERVICE = `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=${KUBERNETES_BINARY_DIR}/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

export const KUBEADM_DROPIN = `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=${KUBERNETES_BINARY_DIR}/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;
