import { describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImageInput } from '../schema';
import { minimalInput } from '../test-specs';
import { formatPath } from '../validation-error';

type Outputs = NonNullable<NodeImageInput['spec']['outputs']>;

function issuesOf(outputs: Outputs, spec: Partial<NodeImageInput['spec']> = {}): { path: string; message: string }[] {
  const result = nodeImageSchema.safeParse(minimalInput({ ...spec, outputs }));
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: formatPath(i.path.filter((p): p is string | number => typeof p !== 'symbol')), message: i.message }));
}

describe('provider target rules', () => {
  it('accepts every target on its own format, several targets sharing one file', () => {
    expect(
      issuesOf([
        { format: 'ova', targets: ['vsphere'] },
        { format: 'vhd', targets: ['azure'] },
        { format: 'gce-tar', targets: ['gcp'] },
        { format: 'qcow2', targets: ['openstack', 'proxmox', 'nutanix', 'qemu'] },
        { format: 'vhdx', targets: ['hyperv'] },
        { format: 'containerdisk', targets: ['kubevirt'] },
        { format: 'raw', targets: ['raw', 'aws'] },
      ]),
    ).toEqual([]);
  });

  it('keeps bare formats (specs from before targets) valid', () => {
    expect(issuesOf([{ format: 'ova' }, { format: 'qcow2' }, { format: 'vmdk' }, { format: 'raw', compression: 'zstd' }])).toEqual([]);
  });

  it('says which file a target needs when it sits on the wrong one', () => {
    const [issue] = issuesOf([{ format: 'qcow2', targets: ['azure'] }]);
    expect(issue).toEqual({ path: 'spec.outputs[0].targets[0]', message: expect.stringContaining('Microsoft Azure imports a fixed VHD (vhd), not qcow2') });
  });

  it('rejects a target named twice, within one output or across two', () => {
    expect(issuesOf([{ format: 'qcow2', targets: ['qemu', 'qemu'] }])).toContainEqual({
      path: 'spec.outputs[0].targets[1]',
      message: expect.stringContaining('more than once'),
    });
    expect(
      issuesOf([
        { format: 'qcow2', targets: ['qemu'] },
        { format: 'raw', targets: ['qemu'] },
      ]),
    ).toContainEqual({
      path: 'spec.outputs[1].targets[0]',
      message: expect.stringContaining('already a target of output 1'),
    });
  });

  it('rejects a target outside the catalog in the schema itself', () => {
    expect(issuesOf([{ format: 'qcow2', targets: ['digitalocean' as never] }])).toContainEqual(expect.objectContaining({ path: 'spec.outputs[0].targets[0]' }));
  });

  it('needs hardware version 13 or newer for vSphere, and only for vSphere', () => {
    expect(issuesOf([{ format: 'ova', targets: ['vsphere'], hardwareVersion: 11 }])).toContainEqual({
      path: 'spec.outputs[0].hardwareVersion',
      message: expect.stringContaining('13 or newer'),
    });
    expect(issuesOf([{ format: 'ova', hardwareVersion: 11 }])).toEqual([]);
  });

  it('needs an uncompressed raw disk for the aws target', () => {
    expect(issuesOf([{ format: 'raw', compression: 'zstd', targets: ['aws'] }])).toContainEqual({
      path: 'spec.outputs[0].compression',
      message: expect.stringContaining('uncompressed'),
    });
  });

  it('defaults new specs to vSphere (OVA) and generic QEMU (qcow2)', () => {
    const parsed = nodeImageSchema.parse(minimalInput());
    expect(parsed.spec.outputs.map((o) => [o.format, o.targets])).toEqual([
      ['ova', ['vsphere']],
      ['qcow2', ['qemu']],
    ]);
  });
});
