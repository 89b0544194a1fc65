import type { DropInManifest, ManifestInput } from './manifest-input';
import { artifactOf, dnsName, header, templateName, withComments } from './manifest-names';

/** Cluster API Provider Proxmox (ionos-cloud), ProxmoxMachineTemplate (served as v1alpha1). */
export const PROXMOX_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1alpha1';

/** Proxmox tags the template VM carries, so templateSelector finds it on any node. */
export const proxmoxTemplateTags = (input: ManifestInput): string[] => [dnsName(input.name), `kubernetes-v${input.kubernetesVersion}`];

export function proxmoxManifest(input: ManifestInput): DropInManifest {
  const qcow2 = artifactOf(input, 'qcow2');
  const tags = proxmoxTemplateTags(input);
  // Proxmox wants memory in multiples of 8 MiB
  const memoryMiB = Math.ceil((input.memoryMiB ?? 4096) / 8) * 8;
  const document = {
    apiVersion: PROXMOX_API_VERSION,
    kind: 'ProxmoxMachineTemplate',
    metadata: { name: templateName(input) },
    spec: {
      template: {
        spec: {
          sourceNode: '${PROXMOX_SOURCENODE}',
          templateSelector: { matchTags: tags },
          format: 'qcow2',
          full: true,
          numSockets: 1,
          numCores: input.cpus ?? 2,
          memoryMiB,
          disks: { bootVolume: { disk: 'scsi0', sizeGb: Math.max(5, input.diskSizeGiB) } },
          network: { default: { bridge: '${BRIDGE}', model: 'virtio' } },
        },
      },
    },
  };
  return {
    target: 'proxmox',
    kinds: ['ProxmoxMachineTemplate'],
    apiVersions: [PROXMOX_API_VERSION],
    yaml: withComments([header(input), `template VM tagged ${tags.join(', ')}`], document),
    notes: [
      `Import ${qcow2?.name ?? 'the qcow2'} as scsi0 of a new VM (qm importdisk <vmid> ${qcow2?.name ?? '<file>'} <storage>), give it a cloud-init drive, tag it ${tags.join(';')} and convert it to a template (qm template <vmid>).`,
      'Values in ${…} are clusterctl variables.',
    ],
  };
}
