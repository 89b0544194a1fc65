import { describe, expect, it } from 'vitest';
import type { OutputSpec } from '@/spec/schema';
import { newNodeImage } from '@/spec/defaults';
import { addTarget, moveTarget, removeTarget } from './target-outputs';

const shape = (outputs: OutputSpec[]) => outputs.map((o) => [o.format, o.targets ?? []]);

describe('target outputs', () => {
  it('adds a target on its default file, sharing an existing one', () => {
    const outputs = structuredClone(newNodeImage().spec.outputs);
    addTarget(outputs, 'openstack');
    addTarget(outputs, 'azure');
    expect(shape(outputs)).toEqual([
      ['ova', ['vsphere']],
      ['qcow2', ['qemu', 'openstack']],
      ['vhd', ['azure']],
    ]);
  });

  it('drops an output with its last target, and keeps one that still serves another', () => {
    const outputs = structuredClone(newNodeImage().spec.outputs);
    addTarget(outputs, 'proxmox');
    removeTarget(outputs, 'qemu');
    removeTarget(outputs, 'vsphere');
    expect(shape(outputs)).toEqual([['qcow2', ['proxmox']]]);
  });

  it('gives a target that can be written two ways the one the user picks', () => {
    const outputs: OutputSpec[] = [];
    addTarget(outputs, 'aws');
    expect(outputs[0]).toMatchObject({ format: 'ami', region: '', bucket: '', targets: ['aws'] });
    moveTarget(outputs, 'aws', 'raw');
    expect(shape(outputs)).toEqual([['raw', ['aws']]]);
  });

  it('puts a target on a bare file of its format the spec already lists', () => {
    const outputs: OutputSpec[] = [{ format: 'raw', compression: 'none' }];
    addTarget(outputs, 'raw');
    expect(shape(outputs)).toEqual([['raw', ['raw']]]);
  });
});
