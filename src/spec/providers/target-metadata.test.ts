import { describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImageInput } from '../schema';
import { minimalInput } from '../test-specs';
import { targetMetadata, vsphereOvfProperties, type MetadataInput } from './target-metadata';
import type { ProviderTargetId } from './provider-targets';

const buildTime = new Date('2026-12-01T12:00:00Z');
function metadataFor(target: ProviderTargetId, outputs: NonNullable<NodeImageInput['spec']['outputs']>, spec: Partial<NodeImageInput['spec']> = {}) {
  const parsed = nodeImageSchema.parse(minimalInput({ ...spec, outputs })).spec;
  const input: MetadataInput = { spec: parsed, name: 'workers', buildKey: 'c'.repeat(64), buildTime, containerdVersion: '1.7.24' };
  const output = parsed.outputs.find((o) => o.targets?.includes(target));
  if (!output) throw new Error('fixture must carry the target');
  return { document: targetMetadata(target, output, input, 'workers.file'), input };
}

describe('targetMetadata', () => {
  it('uses image-builder’s OVF keys and versions for vSphere', () => {
    const { document, input } = metadataFor('vsphere', [{ format: 'ova', targets: ['vsphere'], hardwareVersion: 17 }]);
    expect(document).toMatchObject({ hardwareVersion: 'vmx-17', product: 'debian 13 and Kubernetes v1.35.3', category: 'Cluster API Provider (CAPI)' });
    expect(vsphereOvfProperties(input)).toMatchObject({
      KUBERNETES_SEMVER: 'v1.35.3',
      CONTAINERD_VERSION: '1.7.24',
      DISTRO_NAME: 'debian',
      DISTRO_VERSION: '13',
      DISTRO_ARCH: 'amd64',
      CNI_VERSION: 'v1.7.1',
      BUILD_TIMESTAMP: '1796126400',
      KUBERNETES_SOURCE_TYPE: 'pkg',
    });
  });

  it('names AMIs in CAPA’s lookup format with image-builder’s tags', () => {
    const { document } = metadataFor('aws', [{ format: 'raw', targets: ['aws'] }]);
    expect(document).toMatchObject({
      amiName: 'capa-ami-debian-13-v1.35.3-1796126400',
      imageLookupBaseOS: 'debian-13',
      tags: { kubernetes_version: 'v1.35.3', containerd_version: '1.7.24', distribution: 'debian', distribution_version: '13', build_timestamp: '1796126400' },
    });
    const fromTemplate = metadataFor('aws', [
      { format: 'ami', region: 'eu-west-1', bucket: 'b-1', nameTemplate: 'my-{name}-{kubernetesVersion}', targets: ['aws'] },
    ]);
    expect(fromTemplate.document).toMatchObject({ amiName: 'my-workers-v1.35.3', bootMode: 'uefi-preferred' });
  });

  it('versions Azure gallery images by Kubernetes semver and picks the VM generation from the firmware', () => {
    expect(metadataFor('azure', [{ format: 'vhd', targets: ['azure'] }]).document).toMatchObject({
      computeGallery: { name: 'capi-debian-13', version: '1.35.3' },
      hyperVGeneration: 'V2',
    });
    expect(metadataFor('azure', [{ format: 'vhd', targets: ['azure'] }], { disk: { firmware: 'bios' } }).document).toMatchObject({ hyperVGeneration: 'V1' });
  });

  it('gives GCE a valid image name and labels', () => {
    const { document } = metadataFor('gcp', [{ format: 'gce-tar', targets: ['gcp'] }]);
    const name = String(document.imageName);
    expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(document.labels).toEqual({
      build_timestamp: '1796126400',
      containerd_version: 'v1-7-24',
      distribution: 'debian',
      distribution_version: '13',
      image_builder: 'stamper',
      kubernetes_version: 'v1-35-3',
    });
    expect(document.guestOsFeatures).toContain('UEFI_COMPATIBLE');
  });

  it('sets the Glance properties CAPO and ORC read', () => {
    const { document } = metadataFor('openstack', [{ format: 'qcow2', targets: ['openstack'] }], { disk: { firmware: 'uefi' } });
    expect(document).toMatchObject({
      diskFormat: 'qcow2',
      minDiskGB: 20,
      properties: {
        os_distro: 'debian',
        os_version: '13',
        architecture: 'x86_64',
        hw_disk_bus: 'virtio',
        hw_vif_model: 'virtio',
        hw_qemu_guest_agent: 'yes',
        hw_firmware_type: 'uefi',
      },
    });
  });

  it('records the file, the target’s agents and datasources for every target', () => {
    const { document } = metadataFor('hyperv', [{ format: 'vhdx', targets: ['hyperv'] }]);
    expect(document).toMatchObject({ target: 'hyperv', format: 'vhdx', file: 'workers.file', guest: { agents: ['hyperv-daemons'], datasources: ['NoCloud'] } });
  });
});
