import type { DropInManifest, ManifestInput } from './manifest-input';
import { artifactOf, dnsName, header, templateName, withComments } from './manifest-names';

/** Cluster API Provider Azure, AzureMachineTemplate (CAPZ v1.x serves v1beta1). */
export const AZURE_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta1';

export function azureManifest(input: ManifestInput): DropInManifest {
  const vhd = artifactOf(input, 'vhd');
  const definition = dnsName(input.name);
  // CAPZ's reference images version their gallery images by Kubernetes semver; so does this
  const version = input.kubernetesVersion;
  const document = {
    apiVersion: AZURE_API_VERSION,
    kind: 'AzureMachineTemplate',
    metadata: { name: templateName(input) },
    spec: {
      template: {
        spec: {
          image: {
            computeGallery: {
              gallery: '${AZURE_GALLERY_NAME}',
              name: definition,
              version,
              subscriptionID: '${AZURE_SUBSCRIPTION_ID}',
              resourceGroup: '${AZURE_GALLERY_RESOURCE_GROUP}',
            },
          },
          vmSize: '${AZURE_NODE_MACHINE_TYPE}',
          osDisk: { osType: 'Linux', diskSizeGB: input.diskSizeGiB },
          sshPublicKey: '${AZURE_SSH_PUBLIC_KEY_B64:=""}',
        },
      },
    },
  };
  return {
    target: 'azure',
    kinds: ['AzureMachineTemplate'],
    apiVersions: [AZURE_API_VERSION],
    yaml: withComments([header(input), `gallery image definition "${definition}", version ${version}`], document),
    notes: [
      `Upload ${vhd ? `${vhd.name} (fixed VHD, sha256 ${vhd.sha256})` : 'the fixed VHD'} as a page blob and create image version ${version} of the definition "${definition}" in your Compute Gallery.`,
      `Or point image.id at a managed image or gallery version: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Compute/galleries/<gallery>/images/${definition}/versions/${version}.`,
      'Values in ${…} are clusterctl variables.',
    ],
  };
}
