import type { DropInManifest, ManifestInput } from './manifest-input';
import { dnsName, header, templateName, withComments } from './manifest-names';

/** Cluster API Provider KubeVirt, KubevirtMachineTemplate (CAPK serves v1alpha1); the VM spec inside is KubeVirt's kubevirt.io/v1. */
export const KUBEVIRT_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1alpha1';

/** The containerDisk reference: pinned by digest when Stamper pushed it, else where the user is to push it. */
export function containerDiskImage(input: ManifestInput): string {
  const pushed = input.containerDisk;
  if (pushed?.digest) return `${pushed.reference.replace(/:[^:/]+$/, '')}@${pushed.digest}`;
  return pushed?.reference ?? `\${CONTAINER_DISK_REGISTRY}/${dnsName(input.name)}:v${input.kubernetesVersion}`;
}

export function kubevirtManifest(input: ManifestInput): DropInManifest {
  const image = containerDiskImage(input);
  const memoryGiB = Math.max(1, Math.round((input.memoryMiB ?? 4096) / 1024));
  const document = {
    apiVersion: KUBEVIRT_API_VERSION,
    kind: 'KubevirtMachineTemplate',
    metadata: { name: templateName(input) },
    spec: {
      template: {
        spec: {
          virtualMachineTemplate: {
            spec: {
              runStrategy: 'Always',
              template: {
                spec: {
                  domain: {
                    cpu: { cores: input.cpus ?? 2 },
                    memory: { guest: `${memoryGiB}Gi` },
                    devices: { disks: [{ name: 'containervolume', disk: { bus: 'virtio' } }], networkInterfaceMultiqueue: true },
                  },
                  evictionStrategy: 'External',
                  volumes: [{ name: 'containervolume', containerDisk: { image } }],
                },
              },
            },
          },
        },
      },
    },
  };
  const artifact = input.artifacts.find((a) => a.format === 'containerdisk');
  return {
    target: 'kubevirt',
    kinds: ['KubevirtMachineTemplate'],
    apiVersions: [KUBEVIRT_API_VERSION],
    yaml: withComments([header(input), `containerDisk ${image}`], document),
    notes: input.containerDisk
      ? [`Stamper pushed the containerDisk to ${input.containerDisk.reference}${input.containerDisk.digest ? `; the snippet pins its digest` : ''}.`]
      : [
          `Push ${artifact?.name ?? 'the containerDisk (oci-archive)'} to your registry, e.g. skopeo copy oci-archive:${artifact?.name ?? '<file>'}:v${input.kubernetesVersion} docker://<registry>/${dnsName(input.name)}:v${input.kubernetesVersion}, and set CONTAINER_DISK_REGISTRY.`,
        ],
  };
}
