import { describe, expect, it } from 'vitest';
import { groupByProviderTarget } from './provider-groups';

const artifact = (name: string, format: string) => ({ name, format, sizeBytes: 1, sha256: 'a'.repeat(64), url: `/api/builds/b/artifacts/${name}` });
const manifest = (target: 'vsphere' | 'openstack' | 'proxmox' | 'kubevirt') => ({
  target,
  kinds: ['X'],
  apiVersions: ['v1'],
  yaml: `${target}: yes\n`,
  notes: [],
});
const digest = `sha256:${'d'.repeat(64)}`;

describe('groupByProviderTarget', () => {
  const build = {
    spec: {
      metadata: { name: 'edge' },
      spec: {
        outputs: [
          { format: 'ova', targets: ['vsphere'] },
          { format: 'qcow2', targets: ['openstack', 'nutanix'] },
          { format: 'containerdisk', targets: ['kubevirt'] },
        ],
      },
    },
    // sorted by name, as the API lists them
    artifacts: [
      artifact('edge-openstack.metadata.json', 'metadata'),
      artifact('edge-vsphere.metadata.json', 'metadata'),
      artifact('edge.ova', 'ova'),
      artifact('edge.qcow2', 'qcow2'),
      artifact('edge.containerdisk.oci.tar', 'containerdisk'),
      artifact('edge.spdx.json', 'spdx'),
      artifact('SHA256SUMS', 'sha256sums'),
    ],
    published: [{ provider: 'kubevirt' as const, reference: 'r.example/edge:v1.35.3', digest }],
  };

  it('gives each target of the spec its files, its published image and its snippet, in the spec’s order', () => {
    const grouped = groupByProviderTarget(build, [manifest('vsphere'), manifest('openstack'), manifest('proxmox'), manifest('kubevirt')]);
    expect(grouped?.groups.map((g) => g.target.id)).toEqual(['vsphere', 'openstack', 'nutanix', 'kubevirt']);
    const [vsphere, openstack, nutanix, kubevirt] = grouped?.groups ?? [];
    expect(vsphere?.artifacts.map((a) => a.name)).toEqual(['edge.ova', 'edge-vsphere.metadata.json']);
    expect(vsphere?.manifest?.target).toBe('vsphere');
    // one qcow2, listed under both targets that take it
    expect(openstack?.artifacts.map((a) => a.name)).toEqual(['edge.qcow2', 'edge-openstack.metadata.json']);
    expect(nutanix?.artifacts.map((a) => a.name)).toEqual(['edge.qcow2']);
    expect(nutanix?.manifest).toBeUndefined();
    expect(kubevirt?.published).toEqual([build.published[0]]);
    expect(kubevirt?.manifest?.target).toBe('kubevirt');
  });

  it('keeps what no target owns apart: the SBOM, the checksums and snippets of providers the spec did not name', () => {
    const grouped = groupByProviderTarget(build, [manifest('proxmox')]);
    expect(grouped?.otherArtifacts.map((a) => a.name)).toEqual(['edge.spdx.json', 'SHA256SUMS']);
    expect(grouped?.otherManifests.map((m) => m.target)).toEqual(['proxmox']);
    expect(grouped?.otherPublished).toEqual([]);
  });

  it('is null for a spec that names no target, so the page keeps its flat lists', () => {
    expect(groupByProviderTarget({ ...build, spec: { metadata: { name: 'edge' }, spec: { outputs: [{ format: 'raw' }] } } })).toBeNull();
    expect(groupByProviderTarget({ ...build, spec: {} })).toBeNull();
  });
});
