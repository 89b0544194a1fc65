import { amiNameValues, renderAmiName } from '../interop/ami-name-template';
import { findRelease } from '../catalog';
import { resolveVersions } from '../defaults';
import type { NodeImageSpec, OutputSpec } from '../schema';
import { providerTarget, type OutputFormatId, type ProviderTargetId } from './provider-targets';

/**
 * What each provider needs to know about a finished image, named the way that provider's
 * Cluster API tooling names it: image-builder's OVF keys, CAPA's AMI name and tags,
 * CAPZ's gallery version (= Kubernetes semver), GCE image names and labels, Glance
 * properties. The formats stage writes one JSON file per target from this.
 */
export interface MetadataInput {
  spec: NodeImageSpec;
  name: string;
  buildKey: string;
  buildTime: Date;
  containerdVersion: string;
}

export const DEFAULT_AMI_NAME_TEMPLATE = 'capa-ami-{os}-{kubernetesVersion}-{timestamp}';

interface ImageFacts {
  kubernetes: string;
  cni: string;
  crictl: string;
  containerd: string;
  distro: string;
  distroVersion: string;
  release: string;
  arch: string;
  timestamp: string;
}

function imageFacts(input: MetadataInput): ImageFacts {
  const versions = resolveVersions(input.spec);
  const release = findRelease(input.spec.os.release);
  return {
    kubernetes: versions.kubernetes,
    cni: versions.cni,
    crictl: versions.crictl,
    containerd: input.containerdVersion,
    distro: input.spec.os.distro,
    distroVersion: release?.version ?? input.spec.os.release,
    release: input.spec.os.release,
    arch: input.spec.os.arch,
    timestamp: String(Math.floor(input.buildTime.getTime() / 1000)),
  };
}

/** image-builder's OVA ProductSection keys (what CAPV users and `govc` scripts read). */
export function vsphereOvfProperties(input: MetadataInput): Record<string, string> {
  const f = imageFacts(input);
  return {
    BUILD_DATE: input.buildTime.toISOString(),
    BUILD_KEY: input.buildKey,
    BUILD_TIMESTAMP: f.timestamp,
    CNI_VERSION: `v${f.cni}`,
    CONTAINERD_VERSION: f.containerd,
    CRICTL_VERSION: `v${f.crictl}`,
    DISTRO_ARCH: f.arch,
    DISTRO_NAME: f.distro,
    DISTRO_VERSION: f.distroVersion,
    IMAGE_BUILDER_VERSION: 'stamper',
    KUBERNETES_SEMVER: `v${f.kubernetes}`,
    KUBERNETES_SOURCE_TYPE: input.spec.kubernetes.source.type === 'apt' ? 'pkg' : 'http',
    KUBERNETES_VERSION: `v${f.kubernetes}`,
    OS_NAME: f.distro,
    OS_VERSION: f.distroVersion,
    'vmware-system.tkr.os-arch': f.arch,
    'vmware-system.tkr.os-type': 'linux',
  };
}

/** image-builder's OVA product line: "<distro> <version> and Kubernetes <semver>". */
export function vsphereProduct(input: MetadataInput): { product: string; category: string } {
  const f = imageFacts(input);
  return { product: `${f.distro} ${f.distroVersion} and Kubernetes v${f.kubernetes}`, category: 'Cluster API Provider (CAPI)' };
}

/** GCE names and label values: lower-case letters, digits and "-" (labels also "_"), at most 63. */
const gceName = (value: string): string =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
const gceLabel = (value: string): string =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '-')
    .slice(0, 63);

type Metadata = Record<string, unknown>;

function specificMetadata(id: ProviderTargetId, output: OutputSpec, input: MetadataInput): Metadata {
  const f = imageFacts(input);
  const uefi = input.spec.disk.firmware !== 'bios';
  switch (id) {
    case 'vsphere': {
      const hardwareVersion = output.format === 'ova' ? output.hardwareVersion : undefined;
      return {
        ...vsphereProduct(input),
        ...(hardwareVersion ? { hardwareVersion: `vmx-${hardwareVersion}` } : {}),
        ovfProperties: vsphereOvfProperties(input),
      };
    }
    case 'aws': {
      const template = output.format === 'ami' ? output.nameTemplate : DEFAULT_AMI_NAME_TEMPLATE;
      const values = amiNameValues(input.spec, input.name, input.buildTime);
      return {
        amiName: renderAmiName(template, values),
        // what AWSMachineTemplate's imageLookupBaseOS matches in CAPA's default name format
        imageLookupBaseOS: values.os,
        architecture: 'x86_64',
        virtualizationType: 'hvm',
        enaSupport: true,
        bootMode: output.format === 'ami' ? output.bootMode : uefi ? 'uefi-preferred' : 'legacy-bios',
        tags: {
          build_timestamp: f.timestamp,
          containerd_version: f.containerd,
          distribution: f.distro,
          distribution_release: f.release,
          distribution_version: f.distroVersion,
          image_builder_version: 'stamper',
          kubernetes_cni_version: `v${f.cni}`,
          kubernetes_version: `v${f.kubernetes}`,
          stamper_build_key: input.buildKey,
        },
      };
    }
    case 'azure':
      return {
        // CAPZ's reference images: one definition per OS, one version per Kubernetes release
        computeGallery: { name: `capi-${f.distro}-${f.distroVersion.replace(/\./g, '')}`, version: f.kubernetes },
        osType: 'Linux',
        osState: 'Generalized',
        hyperVGeneration: uefi ? 'V2' : 'V1',
        architecture: 'x64',
        tags: {
          kubernetes_version: f.kubernetes,
          containerd_version: f.containerd,
          distribution: f.distro,
          distribution_version: f.distroVersion,
          build_key: input.buildKey,
        },
      };
    case 'gcp':
      return {
        imageName: gceName(`cluster-api-${f.distro}-${f.distroVersion}-v${f.kubernetes}-${f.timestamp}`),
        family: gceName(`capi-${f.distro}-${f.distroVersion}-k8s-v${f.kubernetes.split('.').slice(0, 2).join('.')}`),
        guestOsFeatures: ['VIRTIO_SCSI_MULTIQUEUE', 'GVNIC', ...(uefi ? ['UEFI_COMPATIBLE'] : [])],
        labels: {
          build_timestamp: f.timestamp,
          containerd_version: gceLabel(`v${f.containerd}`),
          distribution: gceLabel(f.distro),
          distribution_version: gceLabel(f.distroVersion),
          image_builder: 'stamper',
          kubernetes_version: gceLabel(`v${f.kubernetes}`),
        },
      };
    case 'openstack':
      return {
        diskFormat: output.format === 'raw' ? 'raw' : 'qcow2',
        containerFormat: 'bare',
        minDiskGB: input.spec.disk.sizeGiB,
        properties: {
          architecture: 'x86_64',
          hw_disk_bus: 'virtio',
          hw_firmware_type: input.spec.disk.firmware === 'uefi' ? 'uefi' : 'bios',
          hw_qemu_guest_agent: 'yes',
          hw_rng_model: 'virtio',
          hw_vif_model: 'virtio',
          os_distro: f.distro,
          os_type: 'linux',
          os_version: f.distroVersion,
          kubernetes_version: `v${f.kubernetes}`,
          stamper_build_key: input.buildKey,
        },
      };
    case 'kubevirt':
      return { containerDisk: { diskDirectory: '/disk/' } };
    default:
      return {};
  }
}

/** The metadata document for one target, with the facts every target shares. */
export function targetMetadata(id: ProviderTargetId, output: OutputSpec, input: MetadataInput, file: string | null): Metadata {
  const target = providerTarget(id);
  const f = imageFacts(input);
  return {
    target: id,
    title: target.title,
    format: output.format satisfies OutputFormatId,
    file,
    buildKey: input.buildKey,
    buildTimestamp: f.timestamp,
    kubernetesVersion: `v${f.kubernetes}`,
    containerdVersion: f.containerd,
    distribution: { name: f.distro, version: f.distroVersion, release: f.release, arch: f.arch },
    guest: { agents: target.agents.map((a) => a.package), datasources: target.datasources, drivers: target.drivers },
    ...specificMetadata(id, output, input),
  };
}
