import { awsManifest } from './aws-manifest';
import { azureManifest } from './azure-manifest';
import { gcpManifest } from './gcp-manifest';
import { kubevirtManifest } from './kubevirt-manifest';
import type { DropInManifest, ManifestInput, ManifestTarget } from './manifest-input';
import { openstackManifest } from './openstack-manifest';
import { proxmoxManifest } from './proxmox-manifest';
import { vsphereManifest } from './vsphere-manifest';

const renderers: Record<ManifestTarget, (input: ManifestInput) => DropInManifest> = {
  vsphere: vsphereManifest,
  aws: awsManifest,
  azure: azureManifest,
  gcp: gcpManifest,
  openstack: openstackManifest,
  kubevirt: kubevirtManifest,
  proxmox: proxmoxManifest,
};

/** The snippets for every target the build serves, in the order the targets are listed. */
export function renderDropInManifests(input: ManifestInput): DropInManifest[] {
  return [...new Set(input.targets)].map((target) => renderers[target](input));
}
