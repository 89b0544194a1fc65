import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { capaLookupBaseOS } from './aws-manifest';
import { renderDropInManifests } from './drop-in-manifests';
import { type DropInManifest, type ManifestInput, type ManifestTarget, manifestTargets } from './manifest-input';
import {
  awsMachineTemplate,
  azureMachineTemplate,
  gcpMachineTemplate,
  kubevirtMachineTemplate,
  openstackMachineTemplate,
  orcImage,
  proxmoxMachineTemplate,
  vsphereMachineTemplate,
} from './provider-api-shapes';

/**
 * Every snippet is parsed as YAML and each document checked against the provider's API
 * type as written down in provider-api-shapes.ts (the API versions are named there):
 * unknown fields, missing required fields and wrong enum values fail.
 */
const sha = 'ab'.repeat(32);
const input = (over: Partial<ManifestInput> = {}): ManifestInput => ({
  buildId: 'b-123',
  name: 'edge-node',
  kubernetesVersion: '1.35.3',
  os: { distro: 'debian', release: 'trixie', version: '13', arch: 'amd64' },
  diskSizeGiB: 20,
  targets: manifestTargets,
  artifacts: [
    { name: 'edge-node.ova', format: 'ova', url: 'https://stamper.example/api/builds/b-123/artifacts/edge-node.ova', sha256: sha, sizeBytes: 1 },
    { name: 'edge-node.qcow2', format: 'qcow2', url: 'https://stamper.example/api/builds/b-123/artifacts/edge-node.qcow2', sha256: sha, sizeBytes: 2 },
    { name: 'edge-node.containerdisk.oci.tar', format: 'containerdisk', url: 'https://stamper.example/x', sha256: sha, sizeBytes: 3 },
  ],
  amis: [{ region: 'eu-west-1', imageId: 'ami-0123456789abcdef0', name: 'capa-ami-debian-13-v1.35.3-1767225600' }],
  qemuGuestAgent: true,
  ...over,
});

const shapes: Record<string, z.ZodType> = {
  VSphereMachineTemplate: vsphereMachineTemplate,
  AWSMachineTemplate: awsMachineTemplate,
  AzureMachineTemplate: azureMachineTemplate,
  GCPMachineTemplate: gcpMachineTemplate,
  OpenStackMachineTemplate: openstackMachineTemplate,
  Image: orcImage,
  KubevirtMachineTemplate: kubevirtMachineTemplate,
  ProxmoxMachineTemplate: proxmoxMachineTemplate,
};

/** The snippet's documents, each validated against its kind's API shape. */
function documentsOf(manifest: DropInManifest): Record<string, unknown>[] {
  const docs = parseAllDocuments(manifest.yaml);
  return docs.map((doc) => {
    expect(doc.errors).toEqual([]);
    const value = doc.toJS() as { kind: string; apiVersion: string };
    const shape = shapes[value.kind];
    if (!shape) throw new Error(`no API shape for kind ${value.kind}`);
    const checked = shape.safeParse(value);
    if (!checked.success) throw new Error(`${value.kind} does not fit its API type: ${JSON.stringify(checked.error.issues)}`);
    expect(manifest.apiVersions).toContain(value.apiVersion);
    return value as Record<string, unknown>;
  });
}

const byTarget = (manifests: DropInManifest[], target: ManifestTarget) => {
  const found = manifests.find((m) => m.target === target);
  if (!found) throw new Error(`no ${target} snippet`);
  return found;
};

/** Reads a dotted path out of a parsed document. */
function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (v, key) => (v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[/^\d+$/.test(key) ? Number(key) : key]),
      value,
    );
}

describe('drop-in manifests', () => {
  const manifests = renderDropInManifests(input());

  it('renders one snippet per target, each fitting its provider API types', () => {
    expect(manifests.map((m) => m.target)).toEqual([...manifestTargets]);
    for (const manifest of manifests) expect(documentsOf(manifest).length).toBeGreaterThan(0);
  });

  it('names the vSphere template the OVA is imported as', () => {
    const [doc] = documentsOf(byTarget(manifests, 'vsphere'));
    expect(at(doc, 'metadata.name')).toBe('edge-node-v1.35.3');
    expect(at(doc, 'spec.template.spec.template')).toBe('edge-node');
    expect(at(doc, 'spec.template.spec.diskGiB')).toBe(20);
  });

  it('pins the registered AMI by id, and offers CAPA’s lookup when the AMI name follows its format', () => {
    const docs = documentsOf(byTarget(manifests, 'aws'));
    expect(at(docs[0], 'spec.template.spec.ami.id')).toBe('ami-0123456789abcdef0');
    expect(at(docs[1], 'spec.template.spec.imageLookupBaseOS')).toBe('debian-13');
    expect(at(docs[1], 'spec.template.spec.imageLookupOrg')).toBe('${AWS_AMI_OWNER_ACCOUNT_ID}');
    expect(capaLookupBaseOS('capa-ami-ubuntu-24.04-1.35.3-1700000000', '1.35.3')).toBe('ubuntu-24.04');
    expect(capaLookupBaseOS('my-own-name-1.35.3', '1.35.3')).toBeNull();
    const none = renderDropInManifests(input({ amis: [], targets: ['aws'] }))[0];
    const [lookup] = none ? documentsOf(none) : [];
    expect(at(lookup, 'spec.template.spec.imageLookupBaseOS')).toBe('debian-13');
    expect(none?.notes[0]).toMatch(/registered no AMI/);
  });

  it('points Azure at a Compute Gallery image versioned by the Kubernetes semver', () => {
    const [doc] = documentsOf(byTarget(manifests, 'azure'));
    expect(at(doc, 'spec.template.spec.image.computeGallery')).toMatchObject({ name: 'edge-node', version: '1.35.3' });
  });

  it('names the GCE image by its full reference', () => {
    const [doc] = documentsOf(byTarget(manifests, 'gcp'));
    expect(at(doc, 'spec.template.spec.image')).toBe('projects/${GCP_PROJECT}/global/images/edge-node-v1-35-3');
  });

  it('imports the qcow2 into Glance with an ORC Image from Stamper’s URL and SHA-256, and the machine template references it', () => {
    const [image, machine] = documentsOf(byTarget(manifests, 'openstack'));
    expect(at(image, 'spec.resource.content.download')).toEqual({
      url: 'https://stamper.example/api/builds/b-123/artifacts/edge-node.qcow2',
      hash: { algorithm: 'sha256', value: sha },
    });
    expect(at(image, 'spec.resource.properties')).toMatchObject({
      architecture: 'x86_64',
      hypervisorType: 'qemu',
      minDiskGB: 20,
      hardware: { diskBus: 'virtio', vifModel: 'virtio', qemuGuestAgent: true },
      operatingSystem: { distro: 'debian', version: '13' },
    });
    expect(at(machine, 'spec.template.spec.image')).toEqual({ imageRef: { name: at(image, 'metadata.name') } });
    const noQcow2 = renderDropInManifests(input({ artifacts: [], targets: ['openstack'] }))[0];
    expect(noQcow2 && documentsOf(noQcow2).map((d) => at(d, 'spec.template.spec.image'))).toEqual([{ filter: { name: 'edge-node-v1.35.3' } }]);
  });

  it('boots KubeVirt machines from the containerDisk, pinned by digest once pushed', () => {
    const [placeholder] = documentsOf(byTarget(manifests, 'kubevirt'));
    const volumes = 'spec.template.spec.virtualMachineTemplate.spec.template.spec.volumes';
    expect(at(placeholder, `${volumes}.0.containerDisk.image`)).toBe('${CONTAINER_DISK_REGISTRY}/edge-node:v1.35.3');
    const pushed = renderDropInManifests(
      input({ targets: ['kubevirt'], containerDisk: { reference: 'registry.example:5000/nodes/edge-node:v1.35.3', digest: `sha256:${sha}` } }),
    )[0];
    const [doc] = pushed ? documentsOf(pushed) : [];
    expect(at(doc, `${volumes}.0.containerDisk.image`)).toBe(`registry.example:5000/nodes/edge-node@sha256:${sha}`);
    expect(at(doc, 'spec.template.spec.virtualMachineTemplate.spec.template.spec.domain.devices.disks.0.name')).toBe(at(doc, `${volumes}.0.name`));
  });

  it('selects the Proxmox template by the tags the notes tell the user to set', () => {
    const manifest = byTarget(manifests, 'proxmox');
    const [doc] = documentsOf(manifest);
    expect(at(doc, 'spec.template.spec.templateSelector.matchTags')).toEqual(['edge-node', 'kubernetes-v1.35.3']);
    expect(manifest.notes[0]).toContain('edge-node;kubernetes-v1.35.3');
  });

  it('rejects what the API types reject: the shapes are strict', () => {
    const wrong = { ...byTarget(manifests, 'gcp'), yaml: byTarget(manifests, 'gcp').yaml.replace('instanceType:', 'machineType:') };
    expect(() => documentsOf(wrong)).toThrow(/does not fit its API type/);
  });
});
