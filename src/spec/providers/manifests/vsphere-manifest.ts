import type { DropInManifest, ManifestInput } from './manifest-input';
import { artifactOf, header, templateName, withComments } from './manifest-names';

/** Cluster API Provider vSphere, VSphereMachineTemplate (CAPV v1.x serves v1beta1). */
export const VSPHERE_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta1';

export function vsphereManifest(input: ManifestInput): DropInManifest {
  const ova = artifactOf(input, 'ova');
  // the VM template the OVA becomes when imported under its own name
  const vmTemplate = input.name;
  const document = {
    apiVersion: VSPHERE_API_VERSION,
    kind: 'VSphereMachineTemplate',
    metadata: { name: templateName(input) },
    spec: {
      template: {
        spec: {
          template: vmTemplate,
          // an imported OVA has no snapshot, so a linked clone would fall back anyway; a full clone honours diskGiB
          cloneMode: 'fullClone',
          server: '${VSPHERE_SERVER}',
          thumbprint: '${VSPHERE_TLS_THUMBPRINT}',
          datacenter: '${VSPHERE_DATACENTER}',
          datastore: '${VSPHERE_DATASTORE}',
          folder: '${VSPHERE_FOLDER}',
          resourcePool: '${VSPHERE_RESOURCE_POOL}',
          network: { devices: [{ networkName: '${VSPHERE_NETWORK}', dhcp4: true }] },
          numCPUs: input.cpus ?? 2,
          memoryMiB: input.memoryMiB ?? 4096,
          diskGiB: input.diskSizeGiB,
          os: 'Linux',
        },
      },
    },
  };
  return {
    target: 'vsphere',
    kinds: ['VSphereMachineTemplate'],
    apiVersions: [VSPHERE_API_VERSION],
    yaml: withComments([header(input), `template names the VM template imported from ${ova?.name ?? 'the OVA'}`], document),
    notes: [
      `Import ${ova ? `${ova.name} (${ova.url})` : 'the OVA'} as a VM template named "${vmTemplate}", e.g. govc import.ova -name ${vmTemplate} <file>, then mark it as a template.`,
      'Values in ${…} are clusterctl variables: set them, or replace them with your vCenter inventory paths.',
    ],
  };
}
