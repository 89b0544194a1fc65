import { withSlash } from '../../../src/spec/spec-sources';

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

/** Armored keys start with this line; pkgs.k8s.io serves Release.key armored. */
export const isArmoredKey = (key: Buffer): boolean => key.subarray(0, 64).toString('latin1').includes('-----BEGIN PGP PUBLIC KEY BLOCK-----');
