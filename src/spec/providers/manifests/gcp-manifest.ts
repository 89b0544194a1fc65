import type { DropInManifest, ManifestInput } from './manifest-input';
import { artifactOf, dnsName, header, templateName, withComments } from './manifest-names';

/** Cluster API Provider GCP, GCPMachineTemplate (CAPG v1.x serves v1beta1). */
export const GCP_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta1';

/** A Compute Engine image name: lowercase letters, digits and "-", no dots. */
export const gceImageName = (input: ManifestInput): string => dnsName(`${input.name}-v${input.kubernetesVersion}`);

export function gcpManifest(input: ManifestInput): DropInManifest {
  const tarball = artifactOf(input, 'gce');
  const image = gceImageName(input);
  const document = {
    apiVersion: GCP_API_VERSION,
    kind: 'GCPMachineTemplate',
    metadata: { name: templateName(input) },
    spec: { template: { spec: { instanceType: '${GCP_NODE_MACHINE_TYPE}', image: `projects/\${GCP_PROJECT}/global/images/${image}` } } },
  };
  return {
    target: 'gcp',
    kinds: ['GCPMachineTemplate'],
    apiVersions: [GCP_API_VERSION],
    yaml: withComments([header(input), `Compute Engine image "${image}"`], document),
    notes: [
      `Copy ${tarball?.name ?? 'the disk.raw tarball'} to a Cloud Storage bucket and create the image: gcloud compute images create ${image} --source-uri gs://<bucket>/${tarball?.name ?? '<file>.tar.gz'}`,
      'Values in ${…} are clusterctl variables.',
    ],
  };
}
