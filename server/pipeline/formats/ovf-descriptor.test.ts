// fast-xml-parser 3.x, a transitive dependency pinned by the lockfile
import { parse as parseXml, validate as validateXml } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { guestOsIds, renderOvfDescriptor, renderOvfManifest } from './ovf-descriptor';

const input = {
  name: 'workers',
  diskFile: 'workers-disk1.vmdk',
  diskFileBytes: 123456,
  diskCapacityBytes: 20 * 1024 ** 3,
  cpus: 4,
  memoryMiB: 8192,
  hardwareVersion: 15,
  firmware: 'efi' as const,
  guest: { distro: 'debian' as const, version: '13', release: 'trixie' },
  productVersion: 'v1.35.3',
  properties: { KUBERNETES_SEMVER: 'v1.35.3', NOTE: 'a<b & "c"' },
};

function parse(xml: string): Record<string, unknown> {
  return parseXml(xml, { ignoreAttributes: false, attributeNamePrefix: '@' }) as Record<string, unknown>;
}

type Item = Record<string, string | number | boolean>;

describe('renderOvfDescriptor', () => {
  const xml = renderOvfDescriptor(input);
  const envelope = parse(xml).Envelope as Record<string, Record<string, unknown>>;
  const system = envelope.VirtualSystem as Record<string, Record<string, unknown>>;
  const items = (system.VirtualHardwareSection?.Item ?? []) as Item[];
  const byType = (type: number): Item | undefined => items.find((i) => i['rasd:ResourceType'] === type);

  it('is well-formed XML in the OVF 1.0 envelope namespace', () => {
    expect(validateXml(xml)).toBe(true);
    expect(xml).toContain('xmlns="http://schemas.dmtf.org/ovf/envelope/1"');
  });

  it('declares the stream-optimized disk with its file size and capacity', () => {
    const file = (envelope.References as Record<string, Item>).File;
    expect(file?.['@ovf:href']).toBe('workers-disk1.vmdk');
    expect(file?.['@ovf:size']).toBe('123456');
    const disk = (envelope.DiskSection as Record<string, Item>).Disk;
    expect(disk?.['@ovf:capacity']).toBe(String(20 * 1024 ** 3));
    expect(String(disk?.['@ovf:format'])).toMatch(/#streamOptimized$/);
  });

  it('uses PVSCSI, VMXNET3, the requested CPUs and memory, and the firmware', () => {
    expect(byType(3)?.['rasd:VirtualQuantity']).toBe(4);
    expect(byType(4)?.['rasd:VirtualQuantity']).toBe(8192);
    expect(byType(6)?.['rasd:ResourceSubType']).toBe('VirtualSCSI');
    expect(byType(10)?.['rasd:ResourceSubType']).toBe('VmxNet3');
    expect(byType(17)?.['rasd:HostResource']).toBe('ovf:/disk/vmdisk1');
    expect(byType(17)?.['rasd:Parent']).toBe(byType(6)?.['rasd:InstanceID']);
    expect(xml).toContain('vmw:key="firmware" vmw:value="efi"');
    expect(xml).toContain('<vssd:VirtualSystemType>vmx-15</vssd:VirtualSystemType>');
  });

  it('escapes property values and keeps image-builder property keys', () => {
    expect(xml).toContain('ovf:key="KUBERNETES_SEMVER" ovf:type="string" ovf:userConfigurable="false" ovf:value="v1.35.3"');
    expect(xml).toContain('ovf:value="a&lt;b &amp; &quot;c&quot;"');
  });

  it('maps guests to vSphere ids', () => {
    expect(guestOsIds({ distro: 'debian', version: '12', release: 'bookworm' }).vmwareId).toBe('debian12_64Guest');
    expect(guestOsIds({ distro: 'ubuntu', version: '24.04', release: 'noble' }).vmwareId).toBe('ubuntu64Guest');
  });
});

describe('renderOvfManifest', () => {
  it('writes one SHA256(file)= line per file in order', () => {
    expect(
      renderOvfManifest([
        { file: 'a.ovf', sha256: 'aa' },
        { file: 'a-disk1.vmdk', sha256: 'bb' },
      ]),
    ).toBe('SHA256(a.ovf)= aa\nSHA256(a-disk1.vmdk)= bb\n');
  });
});
