import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeSettingsFiles } from '../../../src/spec/node-files';
import { DATASOURCES_PATH } from '../../../src/spec/providers/guest-side';
import { nodeImageSchema, type NodeImageInput } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { WAAGENT_CONF_PATH, azureAgentFiles } from './provider-guest';

let tree: string;
beforeEach(async () => {
  tree = await mkdtemp(join(tmpdir(), 'provider-guest-'));
  await mkdir(join(tree, 'etc'), { recursive: true });
});
afterEach(() => rm(tree, { recursive: true, force: true }));

const specWith = (outputs: NonNullable<NodeImageInput['spec']['outputs']>) => nodeImageSchema.parse(minimalInput({ outputs })).spec;
/** The node definition's files as the configure stage and the export write them. */
const nodeFiles = (outputs: NonNullable<NodeImageInput['spec']['outputs']>) =>
  new Map(nodeSettingsFiles(specWith(outputs), { containerdVersion: '1.7.24' }).map((f) => [f.path, f.content]));
const agentDropIns = (files: Map<string, string>) => [...files.keys()].filter((path) => path.endsWith('/stamper-provider.conf'));

describe('provider files in the node definition', () => {
  it('writes only the datasource list a bare-format image always had', () => {
    const files = nodeFiles([{ format: 'qcow2' }]);
    expect(files.get(DATASOURCES_PATH)).toBe('datasource_list: [ NoCloud, ConfigDrive, VMware, Ec2 ]\n');
    expect(agentDropIns(files)).toEqual([]);
  });

  it('adds the targets’ datasources and one drop-in per agent unit', () => {
    const files = nodeFiles([
      { format: 'ova', targets: ['vsphere'] },
      { format: 'qcow2', targets: ['openstack'] },
    ]);
    expect(files.get(DATASOURCES_PATH)).toBe('datasource_list: [ NoCloud, ConfigDrive, VMware, OpenStack ]\n');
    expect(files.get('/etc/systemd/system/open-vm-tools.service.d/stamper-provider.conf')).toContain('ConditionVirtualization=|vmware');
    expect(files.get('/etc/systemd/system/qemu-guest-agent.service.d/stamper-provider.conf')).toContain('ConditionVirtualization=|kvm');
    expect(agentDropIns(files)).toEqual([
      '/etc/systemd/system/open-vm-tools.service.d/stamper-provider.conf',
      '/etc/systemd/system/vgauth.service.d/stamper-provider.conf',
      '/etc/systemd/system/qemu-guest-agent.service.d/stamper-provider.conf',
    ]);
  });
});

describe('azureAgentFiles', () => {
  it('writes nothing without an Azure target', async () => {
    await writeFile(join(tree, 'etc/waagent.conf'), 'Provisioning.Agent=auto\n');
    expect(await azureAgentFiles(tree, specWith([{ format: 'qcow2', targets: ['openstack'] }]))).toEqual([]);
  });

  it('rewrites the packaged waagent.conf for Azure, keeping its other settings', async () => {
    await writeFile(join(tree, 'etc/waagent.conf'), 'Provisioning.Agent=auto\nOS.RootDeviceScsiTimeout=300\nResourceDisk.EnableSwap=y\n');
    const spec = specWith([{ format: 'vhd', targets: ['azure'] }]);
    expect(await azureAgentFiles(tree, spec)).toEqual([
      { path: WAAGENT_CONF_PATH, content: 'Provisioning.Agent=cloud-init\nOS.RootDeviceScsiTimeout=300\nResourceDisk.EnableSwap=n\nResourceDisk.Format=n\n' },
    ]);
    expect(nodeFiles([{ format: 'vhd', targets: ['azure'] }]).get(DATASOURCES_PATH)).toBe('datasource_list: [ NoCloud, Azure ]\n');
  });
});
