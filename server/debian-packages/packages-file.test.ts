import { describe, expect, it } from 'vitest';
import { parsePackagesFile, searchPackages } from './packages-file.ts';

const index = `Package: curl
Version: 8.14.1-2
Installed-Size: 500
Section: web
Size: 269000
Description: command line tool for transferring data with URL syntax
 curl is a command line tool for transferring data with URL syntax,
 supporting DICT, FILE, FTP.

Package: libcurl4t64
Version: 8.14.1-2
Installed-Size: 1000
Description: easy-to-use client-side URL transfer library (OpenSSL flavour)

Package: jq
Version: 1.7.1-6
Description: lightweight and flexible command-line JSON processor (uses curl? no)

Package: broken-without-version
`;

describe('parsePackagesFile', () => {
  it('reads name, version, sizes and the first description line', () => {
    const entries = parsePackagesFile(index);
    expect(entries).toHaveLength(3);
    expect(entries[0]).toEqual({
      name: 'curl',
      version: '8.14.1-2',
      section: 'web',
      description: 'command line tool for transferring data with URL syntax',
      installedSizeBytes: 500 * 1024,
      downloadSizeBytes: 269000,
    });
    expect(entries[2]?.installedSizeBytes).toBeNull();
  });
});

describe('searchPackages', () => {
  const entries = parsePackagesFile(index);

  it('ranks exact name, then name substring, then description', () => {
    expect(searchPackages(entries, 'curl', 10).items.map((e) => e.name)).toEqual(['curl', 'libcurl4t64', 'jq']);
    expect(searchPackages(entries, 'JSON', 10).items.map((e) => e.name)).toEqual(['jq']);
  });

  it('puts whole-word name matches before partial ones', () => {
    const nfs = parsePackagesFile(['nfstest', 'nfs-common', 'libnfs14', 'nfs-kernel-server'].map((n) => `Package: ${n}\nVersion: 1\n`).join('\n'));
    expect(searchPackages(nfs, 'nfs', 10).items.map((e) => e.name)).toEqual(['nfs-common', 'nfs-kernel-server', 'nfstest', 'libnfs14']);
  });

  it('limits rows but counts every match', () => {
    expect(searchPackages(entries, 'curl', 1)).toMatchObject({ total: 3, items: [{ name: 'curl' }] });
  });

  it('answers nothing for an empty query', () => {
    expect(searchPackages(entries, '  ', 10)).toEqual({ total: 0, items: [] });
  });
});
