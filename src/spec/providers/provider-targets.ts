/**
 * Provider targets: where a user's nodes run. A target picks the file format that
 * provider imports, and brings the guest side the provider's Cluster API machines need
 * (agent packages, cloud-init datasources, drivers). Formats are what gets written;
 * targets are what a user chooses. Facts come from the providers' own docs
 * (docs/provider-notes.md in the shared notes).
 */

export const providerTargetIds = ['vsphere', 'aws', 'azure', 'gcp', 'openstack', 'proxmox', 'nutanix', 'qemu', 'hyperv', 'kubevirt', 'raw'] as const;
export type ProviderTargetId = (typeof providerTargetIds)[number];

/** Every file format the formats stage (or publish, for ami) writes. */
export const outputFormatIds = ['ova', 'vmdk', 'qcow2', 'raw', 'ami', 'vhd', 'vhdx', 'gce-tar', 'containerdisk'] as const;
export type OutputFormatId = (typeof outputFormatIds)[number];

/** cloud-init datasource names as cloud-init's datasource_list spells them. */
export type CloudInitDatasource = 'NoCloud' | 'ConfigDrive' | 'OpenStack' | 'Azure' | 'GCE' | 'Ec2' | 'VMware';

/** systemd-detect-virt ids (systemd.unit ConditionVirtualization=) an agent may run on. */
export type VirtualizationId = 'vmware' | 'microsoft' | 'google' | 'kvm' | 'qemu' | 'amazon';

export interface GuestAgent {
  /** The Debian package. */
  package: string;
  /** Where Ubuntu names it differently. */
  ubuntuPackage?: string;
  /** The agent's units; each gets a drop-in so it starts only on the listed hypervisors. */
  units: string[];
  runsOn: VirtualizationId[];
}

export interface ProviderTarget {
  id: ProviderTargetId;
  title: string;
  /** Formats this provider imports; the first is what picking the target writes. */
  formats: readonly [OutputFormatId, ...OutputFormatId[]];
  agents: GuestAgent[];
  datasources: CloudInitDatasource[];
  /** Kernel drivers the provider's virtual hardware needs (disk, NIC); all ship in Debian's kernel package. */
  drivers: string[];
  /** What the finished build records for this provider (see target-metadata.ts). */
  metadata: string;
  /** Small print on the target's card: what this target adds to the image. */
  adds: string;
}

const qemuGuestAgent: GuestAgent = { package: 'qemu-guest-agent', units: ['qemu-guest-agent.service'], runsOn: ['kvm', 'qemu'] };
const hypervDaemons: GuestAgent = {
  package: 'hyperv-daemons',
  ubuntuPackage: 'linux-cloud-tools-virtual',
  units: ['hv-kvp-daemon.service', 'hv-vss-daemon.service', 'hv-fcopy-daemon.service'],
  runsOn: ['microsoft'],
};
const virtioDrivers = ['virtio_blk', 'virtio_scsi', 'virtio_net'];
const hypervDrivers = ['hv_vmbus', 'hv_storvsc', 'hv_netvsc'];

export const providerTargets: readonly ProviderTarget[] = [
  {
    id: 'vsphere',
    title: 'VMware vSphere',
    formats: ['ova', 'vmdk'],
    // open-vm-tools reports the VM's IP to vCenter (CAPV waits for it) and serves guestinfo to cloud-init
    agents: [{ package: 'open-vm-tools', units: ['open-vm-tools.service', 'vgauth.service'], runsOn: ['vmware'] }],
    datasources: ['VMware'],
    drivers: ['vmw_pvscsi', 'vmxnet3'],
    metadata: 'OVF ProductSection with image-builder keys, hardware version 13 or newer',
    adds: 'OVA · open-vm-tools, cloud-init VMware (guestinfo) datasource',
  },
  {
    id: 'aws',
    title: 'Amazon EC2',
    formats: ['ami', 'raw'],
    agents: [],
    datasources: ['Ec2'],
    drivers: ['nvme', 'ena'],
    metadata: "AMI name and tags in the shape CAPA's image lookup expects",
    adds: 'AMI (or raw for import) · cloud-init EC2 datasource, ENA and NVMe drivers',
  },
  {
    id: 'azure',
    title: 'Microsoft Azure',
    formats: ['vhd'],
    agents: [{ package: 'waagent', ubuntuPackage: 'walinuxagent', units: ['walinuxagent.service'], runsOn: ['microsoft'] }, hypervDaemons],
    datasources: ['Azure'],
    drivers: hypervDrivers,
    metadata: 'Compute Gallery image definition, version = Kubernetes semver',
    adds: 'fixed VHD · waagent (cloud-init provisions), cloud-init Azure datasource, hyperv-daemons',
  },
  {
    id: 'gcp',
    title: 'Google Cloud',
    formats: ['gce-tar'],
    agents: [
      {
        package: 'google-guest-agent',
        units: ['google-guest-agent.service', 'google-startup-scripts.service', 'google-shutdown-scripts.service'],
        runsOn: ['google'],
      },
    ],
    datasources: ['GCE'],
    drivers: ['virtio_scsi', 'gve', 'virtio_net'],
    metadata: 'GCE image name and labels',
    adds: 'disk.raw in .tar.gz · google-guest-agent, cloud-init GCE datasource',
  },
  {
    id: 'openstack',
    title: 'OpenStack',
    formats: ['qcow2', 'raw'],
    agents: [qemuGuestAgent],
    datasources: ['ConfigDrive', 'OpenStack'],
    drivers: virtioDrivers,
    metadata: 'Glance image properties (os_distro, hw_disk_bus, hw_qemu_guest_agent, …)',
    adds: 'qcow2 · qemu-guest-agent, cloud-init ConfigDrive + OpenStack datasources',
  },
  {
    id: 'proxmox',
    title: 'Proxmox VE',
    formats: ['qcow2'],
    agents: [qemuGuestAgent],
    datasources: ['NoCloud', 'ConfigDrive'],
    drivers: virtioDrivers,
    metadata: 'none',
    adds: 'qcow2 · qemu-guest-agent, cloud-init NoCloud + ConfigDrive',
  },
  {
    id: 'nutanix',
    title: 'Nutanix AHV',
    formats: ['qcow2'],
    agents: [qemuGuestAgent],
    datasources: ['NoCloud', 'ConfigDrive'],
    drivers: virtioDrivers,
    metadata: 'none',
    adds: 'qcow2 · qemu-guest-agent, cloud-init NoCloud + ConfigDrive',
  },
  {
    id: 'qemu',
    title: 'QEMU/KVM (generic)',
    formats: ['qcow2', 'raw'],
    agents: [qemuGuestAgent],
    datasources: ['NoCloud', 'ConfigDrive'],
    drivers: virtioDrivers,
    metadata: 'none',
    adds: 'qcow2 · qemu-guest-agent, cloud-init NoCloud + ConfigDrive',
  },
  {
    id: 'hyperv',
    title: 'Microsoft Hyper-V',
    formats: ['vhdx'],
    agents: [hypervDaemons],
    datasources: ['NoCloud'],
    drivers: hypervDrivers,
    metadata: 'none',
    adds: 'VHDX · hyperv-daemons, Hyper-V drivers',
  },
  {
    id: 'kubevirt',
    title: 'KubeVirt',
    formats: ['containerdisk', 'qcow2'],
    agents: [qemuGuestAgent],
    datasources: ['NoCloud', 'ConfigDrive'],
    drivers: virtioDrivers,
    metadata: 'containerDisk image reference',
    adds: 'containerDisk (OCI image, qcow2 under /disk/) · qemu-guest-agent, cloud-init NoCloud + ConfigDrive',
  },
  {
    id: 'raw',
    title: 'Bare metal (raw)',
    formats: ['raw'],
    agents: [],
    datasources: ['NoCloud'],
    drivers: [],
    metadata: 'none',
    adds: 'raw disk, optionally zstd-compressed · cloud-init NoCloud',
  },
];

export function findProviderTarget(id: string): ProviderTarget | undefined {
  return providerTargets.find((t) => t.id === id);
}

export function providerTarget(id: ProviderTargetId): ProviderTarget {
  const target = findProviderTarget(id);
  if (!target) throw new Error(`unknown provider target ${id}`);
  return target;
}

/** Targets that can take a file of this format, e.g. qcow2 → openstack, proxmox, nutanix, qemu, kubevirt. */
export function targetsForFormat(format: OutputFormatId): ProviderTargetId[] {
  return providerTargets.filter((t) => (t.formats as readonly string[]).includes(format)).map((t) => t.id);
}
