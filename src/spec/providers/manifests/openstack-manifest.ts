import type { DropInManifest, ManifestInput } from './manifest-input';
import { artifactOf, documents, header, templateName, withComments } from './manifest-names';

/** Cluster API Provider OpenStack, OpenStackMachineTemplate (CAPO v0.10 and later serve v1beta1). */
export const OPENSTACK_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta1';
/** OpenStack Resource Controller's Image, which CAPO's image.imageRef names. */
export const ORC_API_VERSION = 'openstack.k-orc.cloud/v1alpha1';

/** Glance's architecture names (ORC's enum), from Debian's. */
const glanceArchitecture = { amd64: 'x86_64', arm64: 'aarch64' } as const;
/** os_distro values ORC accepts; other distros leave the property unset. */
const glanceDistros = new Set(['debian', 'ubuntu', 'centos', 'fedora', 'rhel', 'rocky', 'opensuse', 'arch', 'gentoo']);

export function openstackManifest(input: ManifestInput): DropInManifest {
  const qcow2 = artifactOf(input, 'qcow2');
  const name = templateName(input);
  const notes: string[] = [];
  const parts: string[] = [];
  let imageParam: Record<string, unknown>;
  if (qcow2) {
    parts.push(
      withComments([header(input), `Glance imports ${qcow2.name} from Stamper and checks its SHA-256`], {
        apiVersion: ORC_API_VERSION,
        kind: 'Image',
        metadata: { name },
        spec: {
          cloudCredentialsRef: { secretName: '${CLUSTER_NAME}-cloud-config', cloudName: '${OPENSTACK_CLOUD}' },
          managementPolicy: 'managed',
          resource: {
            name,
            tags: ['stamper', `kubernetes-v${input.kubernetesVersion}`],
            content: {
              containerFormat: 'bare',
              diskFormat: 'qcow2',
              download: { url: qcow2.url, hash: { algorithm: 'sha256', value: qcow2.sha256 } },
            },
            properties: {
              architecture: glanceArchitecture[input.os.arch],
              hypervisorType: 'qemu',
              minDiskGB: input.diskSizeGiB,
              hardware: { diskBus: 'virtio', vifModel: 'virtio', ...(input.qemuGuestAgent ? { qemuGuestAgent: true } : {}) },
              operatingSystem: { ...(glanceDistros.has(input.os.distro) ? { distro: input.os.distro } : {}), version: input.os.version },
            },
          },
        },
      }),
    );
    imageParam = { imageRef: { name } };
    notes.push(
      `Glance downloads ${qcow2.url} itself: it must reach this Stamper server, and a server that requires a token refuses it. Otherwise copy the file somewhere Glance can fetch and change url; the SHA-256 still checks it.`,
    );
  } else {
    imageParam = { filter: { name } };
    notes.push(`This build wrote no qcow2, so there is no ORC import: upload the image to Glance as "${name}" yourself.`);
  }
  parts.push(
    withComments(qcow2 ? [] : [header(input)], {
      apiVersion: OPENSTACK_API_VERSION,
      kind: 'OpenStackMachineTemplate',
      metadata: { name },
      spec: { template: { spec: { flavor: '${OPENSTACK_NODE_MACHINE_FLAVOR}', image: imageParam, sshKeyName: '${OPENSTACK_SSH_KEY_NAME}' } } },
    }),
  );
  notes.push('Values in ${…} are clusterctl variables; the credentials secret is the clouds.yaml secret CAPO already uses.');
  return {
    target: 'openstack',
    kinds: qcow2 ? ['Image', 'OpenStackMachineTemplate'] : ['OpenStackMachineTemplate'],
    apiVersions: qcow2 ? [ORC_API_VERSION, OPENSTACK_API_VERSION] : [OPENSTACK_API_VERSION],
    yaml: documents(parts),
    notes,
  };
}
