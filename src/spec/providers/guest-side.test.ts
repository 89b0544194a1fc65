import { describe, expect, it } from 'vitest';
import { agentPackages, agentUnitDropIns, azureAgentConfig, renderDatasourceList, specTargets, targetDatasources } from './guest-side';

describe('specTargets', () => {
  it('collects the outputs’ targets once each, in catalog order', () => {
    const outputs = [{ targets: ['openstack' as const, 'proxmox' as const] }, { targets: ['vsphere' as const] }, {}];
    expect(specTargets({ outputs })).toEqual(['vsphere', 'openstack', 'proxmox']);
    expect(specTargets({ outputs: [{}, { targets: [] }] })).toEqual([]);
  });
});

describe('agentPackages', () => {
  it('adds each chosen provider’s agents and nothing for the others', () => {
    expect(agentPackages(['vsphere'])).toEqual(['open-vm-tools']);
    expect(agentPackages(['azure', 'hyperv'])).toEqual(['waagent', 'hyperv-daemons']);
    expect(agentPackages(['gcp'])).toEqual(['google-guest-agent']);
    expect(agentPackages(['openstack', 'proxmox', 'nutanix', 'qemu', 'kubevirt'])).toEqual(['qemu-guest-agent']);
    expect(agentPackages(['aws', 'raw'])).toEqual([]);
    expect(agentPackages([])).toEqual([]);
  });

  it('uses Ubuntu’s package names on Ubuntu', () => {
    expect(agentPackages(['azure'], 'ubuntu')).toEqual(['walinuxagent', 'linux-cloud-tools-virtual']);
  });
});

describe('cloud-init datasources', () => {
  it('keeps the list specs without targets always had', () => {
    expect(renderDatasourceList(targetDatasources([]))).toBe('datasource_list: [ NoCloud, ConfigDrive, VMware, Ec2 ]\n');
  });

  it('lists each target’s datasources in cloud-init’s order, NoCloud always first', () => {
    expect(targetDatasources(['vsphere'])).toEqual(['NoCloud', 'VMware']);
    expect(targetDatasources(['aws'])).toEqual(['NoCloud', 'Ec2']);
    expect(targetDatasources(['gcp', 'azure'])).toEqual(['NoCloud', 'Azure', 'GCE']);
    expect(targetDatasources(['openstack'])).toEqual(['NoCloud', 'ConfigDrive', 'OpenStack']);
    expect(renderDatasourceList(targetDatasources(['vsphere', 'azure', 'gcp', 'openstack', 'hyperv']))).toBe(
      'datasource_list: [ NoCloud, ConfigDrive, Azure, VMware, GCE, OpenStack ]\n',
    );
  });
});

describe('agent drop-ins', () => {
  it('confines every agent unit to its hypervisors', () => {
    const dropIns = agentUnitDropIns(['vsphere', 'gcp', 'openstack']);
    expect(dropIns.map((d) => d.path)).toEqual([
      '/etc/systemd/system/open-vm-tools.service.d/stamper-provider.conf',
      '/etc/systemd/system/vgauth.service.d/stamper-provider.conf',
      '/etc/systemd/system/google-guest-agent.service.d/stamper-provider.conf',
      '/etc/systemd/system/google-startup-scripts.service.d/stamper-provider.conf',
      '/etc/systemd/system/google-shutdown-scripts.service.d/stamper-provider.conf',
      '/etc/systemd/system/qemu-guest-agent.service.d/stamper-provider.conf',
    ]);
    const google = dropIns.find((d) => d.path.includes('google-guest-agent'))?.content;
    expect(google).toBe('# Added by Stamper: this agent belongs to one provider and stays off elsewhere.\n[Unit]\nConditionVirtualization=|google\n');
    expect(dropIns.find((d) => d.path.includes('qemu-guest-agent'))?.content).toContain('ConditionVirtualization=|kvm\nConditionVirtualization=|qemu\n');
  });

  it('writes a shared agent’s drop-in once', () => {
    const dropIns = agentUnitDropIns(['azure', 'hyperv']);
    expect(dropIns.filter((d) => d.path.includes('hv-kvp-daemon'))).toHaveLength(1);
    expect(dropIns.map((d) => d.path)).toContain('/etc/systemd/system/walinuxagent.service.d/stamper-provider.conf');
    expect(dropIns.every((d) => d.content.endsWith('ConditionVirtualization=|microsoft\n'))).toBe(true);
  });

  it('adds nothing for targets without agents', () => {
    expect(agentUnitDropIns(['aws', 'raw'])).toEqual([]);
  });
});

describe('azureAgentConfig', () => {
  it('lets cloud-init provision and keeps swap off the resource disk', () => {
    const packaged = '# Azure agent\nProvisioning.Agent=auto\nResourceDisk.Format=y\nResourceDisk.EnableSwap=y\nLogs.Verbose=n\n';
    expect(azureAgentConfig(packaged)).toBe('# Azure agent\nProvisioning.Agent=cloud-init\nResourceDisk.Format=n\nResourceDisk.EnableSwap=n\nLogs.Verbose=n\n');
  });

  it('adds the settings a packaged file lacks', () => {
    expect(azureAgentConfig('')).toBe('Provisioning.Agent=cloud-init\nResourceDisk.Format=n\nResourceDisk.EnableSwap=n\n');
  });
});
