/**
 * OVF 1.0 descriptor for vSphere: a PVSCSI controller with the stream-optimized disk,
 * one VMXNET3 NIC, the firmware setting, and a ProductSection whose property keys follow
 * image-builder's OVAs (KUBERNETES_SEMVER etc.), which Cluster API vSphere and
 * `govc import.ova` users already read.
 */
export interface OvfInput {
  name: string;
  diskFile: string;
  diskFileBytes: number;
  diskCapacityBytes: number;
  diskPopulatedBytes?: number;
  cpus: number;
  memoryMiB: number;
  hardwareVersion: number;
  firmware: 'bios' | 'efi';
  guest: { distro: 'debian' | 'ubuntu'; version: string; release: string };
  properties: Record<string, string>;
  productVersion: string;
  /** image-builder's product line and category; the spec name when absent. */
  product?: string;
  category?: string;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** CIM OS ids (DMTF CIM_OperatingSystem.OsType) and VMware guest ids for the 64-bit guests. */
export function guestOsIds(guest: OvfInput['guest']): { cimId: number; vmwareId: string } {
  if (guest.distro === 'ubuntu') return { cimId: 94, vmwareId: 'ubuntu64Guest' };
  const major = Number(guest.version.split('.')[0]);
  // vSphere knows debian12_64Guest from 8.0; newer releases fall back to the newest id it has
  const id = major >= 12 ? 'debian12_64Guest' : major === 11 ? 'debian11_64Guest' : 'debian10_64Guest';
  return { cimId: 96, vmwareId: id };
}

export function renderOvfDescriptor(input: OvfInput): string {
  const x = escapeXml;
  const { cimId, vmwareId } = guestOsIds(input.guest);
  const item = (fields: [string, string][]): string =>
    ['      <Item>', ...fields.map(([k, v]) => `        <rasd:${k}>${x(v)}</rasd:${k}>`), '      </Item>'].join('\n');
  const properties = Object.entries(input.properties)
    .map(([key, value]) => `      <Property ovf:key="${x(key)}" ovf:type="string" ovf:userConfigurable="false" ovf:value="${x(value)}"/>`)
    .join('\n');
  const populated = input.diskPopulatedBytes ? ` ovf:populatedSize="${input.diskPopulatedBytes}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href="${x(input.diskFile)}" ovf:id="file1" ovf:size="${input.diskFileBytes}"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="${input.diskCapacityBytes}" ovf:capacityAllocationUnits="byte" ovf:diskId="vmdisk1" ovf:fileRef="file1" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"${populated}/>
  </DiskSection>
  <NetworkSection>
    <Info>The list of logical networks</Info>
    <Network ovf:name="nic0">
      <Description>The nic0 network</Description>
    </Network>
  </NetworkSection>
  <VirtualSystem ovf:id="${x(input.name)}">
    <Info>A Kubernetes node virtual machine</Info>
    <Name>${x(input.name)}</Name>
    <OperatingSystemSection ovf:id="${cimId}" vmw:osType="${vmwareId}">
      <Info>The kind of installed guest operating system</Info>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System>
        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>
        <vssd:InstanceID>0</vssd:InstanceID>
        <vssd:VirtualSystemIdentifier>${x(input.name)}</vssd:VirtualSystemIdentifier>
        <vssd:VirtualSystemType>vmx-${input.hardwareVersion}</vssd:VirtualSystemType>
      </System>
${item([
  ['AllocationUnits', 'hertz * 10^6'],
  ['Description', 'Number of Virtual CPUs'],
  ['ElementName', `${input.cpus} virtual CPU(s)`],
  ['InstanceID', '1'],
  ['ResourceType', '3'],
  ['VirtualQuantity', String(input.cpus)],
])}
${item([
  ['AllocationUnits', 'byte * 2^20'],
  ['Description', 'Memory Size'],
  ['ElementName', `${input.memoryMiB}MB of memory`],
  ['InstanceID', '2'],
  ['ResourceType', '4'],
  ['VirtualQuantity', String(input.memoryMiB)],
])}
${item([
  ['Address', '0'],
  ['Description', 'SCSI Controller'],
  ['ElementName', 'SCSI Controller 0'],
  ['InstanceID', '3'],
  ['ResourceSubType', 'VirtualSCSI'],
  ['ResourceType', '6'],
])}
${item([
  ['AddressOnParent', '0'],
  ['ElementName', 'Hard Disk 1'],
  ['HostResource', 'ovf:/disk/vmdisk1'],
  ['InstanceID', '4'],
  ['Parent', '3'],
  ['ResourceType', '17'],
])}
${item([
  ['AddressOnParent', '7'],
  ['AutomaticAllocation', 'true'],
  ['Connection', 'nic0'],
  ['Description', 'VmxNet3 ethernet adapter on "nic0"'],
  ['ElementName', 'Network adapter 1'],
  ['InstanceID', '5'],
  ['ResourceSubType', 'VmxNet3'],
  ['ResourceType', '10'],
])}
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="${input.firmware}"/>
    </VirtualHardwareSection>
    <ProductSection ovf:required="false">
      <Info>Kubernetes node image built by Stamper</Info>
      <Product>${x(input.product ?? input.name)}</Product>
      <Vendor>Stamper</Vendor>
      <Version>${x(input.productVersion)}</Version>
      <FullVersion>${x(input.productVersion)}</FullVersion>
${input.category ? `      <Category>${x(input.category)}</Category>\n` : ''}${properties}
    </ProductSection>
  </VirtualSystem>
</Envelope>
`;
}

/** The `.mf` manifest: one `SHA256(file)= hex` line per file, as ovftool writes it. */
export function renderOvfManifest(entries: readonly { file: string; sha256: string }[]): string {
  return entries.map((e) => `SHA256(${e.file})= ${e.sha256}\n`).join('');
}
