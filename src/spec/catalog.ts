/**
 * What a user can choose. The schema checks cross-field rules against this data,
 * the server serves it at /api/catalog, and the designer renders choices from it.
 */

export type DistroId = 'debian' | 'ubuntu';

export interface ReleaseEntry {
  id: string;
  distro: DistroId;
  version: string;
  title: string;
  /** Version of containerd the release's own archive ships. */
  containerd: string;
  /** Keyring file on the build host that verifies this release's archive. */
  keyring: string;
  /** Debian releases default to the build host's configured mirror; others need one given. */
  mirrorRequired: boolean;
  /** Archive components that mmdebstrap should enable. */
  components: string[];
  kernelPackage: string;
  /** False where this build host cannot normally reach the release's archive. */
  buildableHere: boolean;
  note?: string;
}

export interface KubernetesMinor {
  minor: string;
  /** Suggested patch release for new specs. */
  defaultVersion: string;
  /** Lowest containerd accepted, per containerd release line ("1.7" → "1.7.24"). */
  containerdMinimums: Record<string, string>;
  crictlVersion: string;
  cniVersion: string;
  pauseImage: string;
}

// What both Ubuntu LTS releases share: listed for build hosts that reach an Ubuntu mirror.
const ubuntuLts = {
  containerd: '1.7.12',
  keyring: '/usr/share/keyrings/ubuntu-archive-keyring.gpg',
  mirrorRequired: true,
  components: ['main', 'universe'],
  kernelPackage: 'linux-image-virtual',
  buildableHere: false,
  note: 'Needs a build host that reaches an Ubuntu mirror and has ubuntu-keyring installed.',
} satisfies Partial<ReleaseEntry>;

export const releases: ReleaseEntry[] = [
  {
    id: 'trixie',
    distro: 'debian',
    version: '13',
    title: 'Debian 13 (trixie)',
    containerd: '1.7.24',
    keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
    mirrorRequired: false,
    components: ['main'],
    kernelPackage: 'linux-image-amd64',
    buildableHere: true,
  },
  {
    id: 'bookworm',
    distro: 'debian',
    version: '12',
    title: 'Debian 12 (bookworm)',
    containerd: '1.6.20',
    keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
    mirrorRequired: false,
    components: ['main'],
    kernelPackage: 'linux-image-amd64',
    buildableHere: true,
  },
  {
    id: 'noble',
    distro: 'ubuntu',
    version: '24.04',
    title: 'Ubuntu 24.04 LTS (noble)',
    ...ubuntuLts,
  },
  {
    id: 'jammy',
    distro: 'ubuntu',
    version: '22.04',
    title: 'Ubuntu 22.04 LTS (jammy)',
    ...ubuntuLts,
  },
];

export const kubernetesMinors: KubernetesMinor[] = [
  {
    minor: '1.37',
    defaultVersion: '1.37.0',
    containerdMinimums: { '2.0': '2.0.0', '2.1': '2.1.0', '2.2': '2.2.0' },
    crictlVersion: '1.37.0',
    cniVersion: '1.8.0',
    pauseImage: 'registry.k8s.io/pause:3.10.1',
  },
  {
    minor: '1.36',
    defaultVersion: '1.36.2',
    containerdMinimums: { '2.0': '2.0.0', '2.1': '2.1.0', '2.2': '2.2.0' },
    crictlVersion: '1.36.0',
    cniVersion: '1.8.0',
    pauseImage: 'registry.k8s.io/pause:3.10.1',
  },
  {
    minor: '1.35',
    defaultVersion: '1.35.3',
    containerdMinimums: { '1.7': '1.7.24', '2.0': '2.0.0', '2.1': '2.1.0', '2.2': '2.2.0' },
    crictlVersion: '1.35.0',
    cniVersion: '1.7.1',
    pauseImage: 'registry.k8s.io/pause:3.10.1',
  },
  {
    minor: '1.34',
    defaultVersion: '1.34.5',
    containerdMinimums: { '1.7': '1.7.24', '2.0': '2.0.0', '2.1': '2.1.0', '2.2': '2.2.0' },
    crictlVersion: '1.34.0',
    cniVersion: '1.7.1',
    pauseImage: 'registry.k8s.io/pause:3.10.1',
  },
  {
    minor: '1.33',
    defaultVersion: '1.33.9',
    containerdMinimums: { '1.6': '1.6.36', '1.7': '1.7.24', '2.0': '2.0.0', '2.1': '2.1.0' },
    crictlVersion: '1.33.0',
    cniVersion: '1.6.2',
    pauseImage: 'registry.k8s.io/pause:3.10',
  },
];

export const outputFormats = [
  { id: 'ova', title: 'OVA (vSphere)', description: 'OVF descriptor + stream-optimized VMDK + SHA-256 manifest' },
  { id: 'vmdk', title: 'VMDK', description: 'Stream-optimized VMDK disk' },
  { id: 'qcow2', title: 'qcow2', description: 'QEMU/KVM, OpenStack' },
  { id: 'raw', title: 'Raw disk', description: 'Bare disk image, optionally zstd-compressed' },
  { id: 'ami', title: 'AWS AMI', description: 'Uploaded to S3, imported as a snapshot, registered as an AMI' },
] as const;

export type OutputFormatId = (typeof outputFormats)[number]['id'];

export const defaultKubernetesAptRepository = (minor: string): string => `https://pkgs.k8s.io/core:/stable:/v${minor}/deb/`;

export const defaultKubernetesSigningKeyUrl = (minor: string): string => `${defaultKubernetesAptRepository(minor)}Release.key`;

/**
 * The containerd release the designer offers when the distribution's containerd is too old
 * for the chosen Kubernetes (1.36 and newer need containerd 2.x), and where the containerd
 * project publishes release files: each tarball with its checksum beside it (".sha256sum").
 */
export const suggestedUpstreamContainerd = '2.2.0';
export const CONTAINERD_RELEASES_URL = 'https://github.com/containerd/containerd/releases/download/';

/** The linux-amd64 release tarball of a containerd version, as the containerd project names it. */
export const containerdTarballUrl = (version: string, releasesUrl: string = CONTAINERD_RELEASES_URL): string =>
  `${releasesUrl.replace(/\/*$/, '/')}v${version}/containerd-${version}-linux-amd64.tar.gz`;

export const defaultRelease = 'trixie';
export const defaultKubernetesMinor = '1.35';

export const findRelease = (id: string): ReleaseEntry | undefined => releases.find((r) => r.id === id);

export const kubernetesMinorOf = (version: string): string => version.split('.').slice(0, 2).join('.');

export const findKubernetesMinor = (version: string): KubernetesMinor | undefined => kubernetesMinors.find((m) => m.minor === kubernetesMinorOf(version));

/** Numeric comparison of dotted versions; non-numeric suffixes (e.g. "-rc.1") are ignored. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) =>
    v
      .split(/[.+~-]/)
      .slice(0, 3)
      .map((p) => Number.parseInt(p, 10) || 0);
  const pa = parse(a);
  const pb = parse(b);
  for (let i = 0; i < 3; i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Returns why a containerd version cannot run a Kubernetes version, or null when it can. */
export function containerdIncompatibility(kubernetesVersion: string, containerdVersion: string): string | null {
  const minor = findKubernetesMinor(kubernetesVersion);
  if (!minor) return null;
  const line = containerdVersion.split('.').slice(0, 2).join('.');
  const minimum = minor.containerdMinimums[line];
  const accepted = Object.values(minor.containerdMinimums)
    .map((v) => `${v}+`)
    .join(', ');
  if (!minimum) return `Kubernetes ${minor.minor} needs containerd ${accepted}; ${containerdVersion} is not supported`;
  if (compareVersions(containerdVersion, minimum) < 0) {
    return `Kubernetes ${minor.minor} needs containerd ${accepted}; ${containerdVersion} is too old`;
  }
  return null;
}
