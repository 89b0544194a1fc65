import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImageInput } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { DATASOURCES_PATH, WAAGENT_CONF_PATH, providerGuestFiles } from './provider-guest';

let tree: string;
beforeEach(async () => {
  tree = await mkdtemp(join(tmpdir(), 'provider-guest-'));
  await mkdir(join(tree, 'etc'), { recursive: true });
});
afterEach(() => rm(tree, { recursive: true, force: true }));

const filesFor = async (outputs: NonNullable<NodeImageInput['spec']['outputs']>) =>
  new Map((await providerGuestFiles(tree, nodeImageSchema.parse(minimalInput({ outputs })).spec)).map((f) => [f.path, f.content]));

describe('providerGuestFiles', () => {
  it('writes only the datasource list a bare-format image always had', async () => {
    const files = await filesFor([{ format: 'qcow2' }]);
    expect([...files.keys()]).toEqual([DATASOURCES_PATH]);
    expect(files.get(DATASOURCES_PATH)).toBe('datasource_list: [ NoCloud, ConfigDrive, VMware, Ec2 ]\n');
  });

  it('adds the targets’ datasources and one drop-in per agent unit', async () => {
    const files = await filesFor([
      { format: 'ova', targets: ['vsphere'] },
      { format: 'qcow2', targets: ['openstack'] },
    ]);
    expect(files.get(DATASOURCES_PATH)).toBe('datasource_list: [ NoCloud, ConfigDrive, VMware, OpenStack ]\n');
    expect(files.get('/etc/systemd/system/open-vm-tools.service.d/stamper-provider.conf')).toContain('ConditionVirtualization=|vmware');
    expect(files.get('/etc/systemd/system/qemu-guest-agent.service.d/stamper-provider.conf')).toContain('ConditionVirtualization=|kvm');
    expect(files.has(WAAGENT_CONF_PATH)).toBe(false);
  });

  it('rewrites the packaged waagent.conf for Azure, keeping its other settings', async () => {
    await writeFile(join(tree, 'etc/waagent.conf'), 'Provisioning.Agent=auto\nOS.RootDeviceScsiTimeout=300\nResourceDisk.EnableSwap=y\n');
    const files = await filesFor([{ format: 'vhd', targets: ['azure'] }]);
    expect(files.get(WAAGENT_CONF_PATH)).toBe(
      'Provisioning.Agent=cloud-init\nOS.RootDeviceScsiTimeout=300\nResourceDisk.EnableSwap=n\nResourceDisk.Format=n\n',
    );
    expect(files.get(DATASOURCES_PATH)).toBe('datasource_list: [ NoCloud, Azure ]\n');
  });
});
