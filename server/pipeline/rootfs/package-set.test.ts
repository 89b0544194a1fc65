import { describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImageInput } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { NODE_BASE_PACKAGES, rootfsPackages } from './package-set';

const packagesFor = (spec: Partial<NodeImageInput['spec']>) => rootfsPackages(nodeImageSchema.parse(minimalInput(spec)).spec);
const agents = ['open-vm-tools', 'waagent', 'hyperv-daemons', 'google-guest-agent', 'qemu-guest-agent'];

describe('rootfsPackages', () => {
  it('adds no guest agent for bare formats', () => {
    const packages = packagesFor({ outputs: [{ format: 'ova' }, { format: 'qcow2' }] });
    expect(packages.filter((p) => agents.includes(p))).toEqual([]);
    expect(packages.slice(0, NODE_BASE_PACKAGES.length)).toEqual(NODE_BASE_PACKAGES);
  });

  it('adds the agents of the chosen targets only', () => {
    expect(packagesFor({ outputs: [{ format: 'ova', targets: ['vsphere'] }] }).filter((p) => agents.includes(p))).toEqual(['open-vm-tools']);
    const several = packagesFor({
      outputs: [
        { format: 'ova', targets: ['vsphere'] },
        { format: 'vhd', targets: ['azure'] },
        { format: 'gce-tar', targets: ['gcp'] },
        { format: 'qcow2', targets: ['openstack', 'proxmox'] },
        { format: 'vhdx', targets: ['hyperv'] },
      ],
    });
    expect(several.filter((p) => agents.includes(p))).toEqual(['open-vm-tools', 'waagent', 'hyperv-daemons', 'google-guest-agent', 'qemu-guest-agent']);
  });

  it('does not list an agent twice when the user asks for it too', () => {
    const packages = packagesFor({ outputs: [{ format: 'qcow2', targets: ['qemu'] }], packages: ['qemu-guest-agent=1:10.0.0-1'] });
    expect(packages.filter((p) => p.startsWith('qemu-guest-agent'))).toEqual(['qemu-guest-agent=1:10.0.0-1']);
  });
});
