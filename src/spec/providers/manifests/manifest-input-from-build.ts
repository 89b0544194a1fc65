import type { PublishedImage } from '../../build-events';
import { findRelease } from '../../catalog';
import { resolveVersions } from '../../defaults';
import type { NodeImage } from '../../schema';
import type { ManifestArtifact, ManifestInput, ManifestTarget } from './manifest-input';

/**
 * The one adapter between a build and the manifest renderers. Until the spec names provider
 * targets, the formats a build wrote stand for them; when targets land, `targets` comes from
 * the spec and this table goes.
 */
export const targetsByFormat: Record<string, readonly ManifestTarget[]> = {
  ova: ['vsphere'],
  ami: ['aws'],
  vhd: ['azure'],
  gce: ['gcp'],
  qcow2: ['openstack', 'proxmox'],
  containerdisk: ['kubevirt'],
};

export interface BuildForManifests {
  buildId: string;
  image: NodeImage;
  /** Each with the URL a cluster can download it from (absolute), or a placeholder. */
  artifacts: readonly ManifestArtifact[];
  published: readonly PublishedImage[];
}

export function manifestInputFromBuild(build: BuildForManifests): ManifestInput {
  const spec = build.image.spec;
  const release = findRelease(spec.os.release);
  const ova = spec.outputs.find((o) => o.format === 'ova');
  // a registered AMI counts as the ami format even when the spec's outputs no longer say so
  const formats = [
    ...spec.outputs.map((o) => o.format),
    ...build.artifacts.map((a) => a.format),
    ...build.published.map((p) => (p.provider === 'aws' ? 'ami' : 'containerdisk')),
  ];
  const pushed = build.published.find((p) => p.provider === 'kubevirt');
  const targets = [...new Set(formats.flatMap((format) => targetsByFormat[format] ?? []))];
  return {
    buildId: build.buildId,
    name: build.image.metadata.name,
    kubernetesVersion: resolveVersions(spec).kubernetes,
    os: { distro: spec.os.distro, release: spec.os.release, version: release?.version ?? spec.os.release, arch: spec.os.arch },
    diskSizeGiB: spec.disk.sizeGiB,
    ...(ova ? { cpus: ova.cpus, memoryMiB: ova.memoryMiB } : {}),
    targets,
    artifacts: build.artifacts,
    amis: build.published.flatMap((p) => (p.provider === 'aws' ? [{ region: p.region, imageId: p.imageId, name: p.name }] : [])),
    ...(pushed ? { containerDisk: { reference: pushed.reference, digest: pushed.digest } } : {}),
  };
}
