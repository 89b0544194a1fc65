/**
 * What the drop-in manifest renderers need to know about a finished build. Deliberately
 * small and independent of the spec's outputs shape: the server (and `stamper build`) map
 * a build onto it, so the renderers stay pure and the provider-targets schema can change
 * under them with one adapter to touch.
 */
export const manifestTargets = ['vsphere', 'aws', 'azure', 'gcp', 'openstack', 'kubevirt', 'proxmox'] as const;
export type ManifestTarget = (typeof manifestTargets)[number];

export interface ManifestArtifact {
  name: string;
  format: string;
  /** Absolute download URL. */
  url: string;
  sha256: string;
  sizeBytes: number;
}

export interface ManifestInput {
  buildId: string;
  /** The spec's metadata.name. */
  name: string;
  /** Without a leading "v", e.g. "1.35.3". */
  kubernetesVersion: string;
  os: { distro: string; release: string; version: string; arch: 'amd64' | 'arm64' };
  diskSizeGiB: number;
  cpus?: number;
  memoryMiB?: number;
  targets: readonly ManifestTarget[];
  artifacts: readonly ManifestArtifact[];
  /** AMIs the publish stage registered, one per region. */
  amis?: readonly { region: string; imageId: string; name: string }[];
  /** Where the containerDisk was pushed, if it was. */
  containerDisk?: { reference: string; digest?: string };
  /** The image ships qemu-guest-agent (the OpenStack/KubeVirt/Proxmox targets add it). */
  qemuGuestAgent?: boolean;
}

/** One snippet the user pastes into their cluster definition. */
export interface DropInManifest {
  target: ManifestTarget;
  /** The kinds in the snippet, e.g. ["Image", "OpenStackMachineTemplate"]. */
  kinds: string[];
  /** The API versions the snippet is written against, "group/version". */
  apiVersions: string[];
  yaml: string;
  /** What the user must do or fill in before the snippet works. */
  notes: string[];
}
