import { describe, expect, it } from 'vitest';
import { DPKG_QUERY_FORMAT, parseDpkgQuery } from './installed-packages';
import { renderSpdx } from './spdx';

describe('parseDpkgQuery', () => {
  it('keeps installed (also held) packages only, sorted, with sizes and source packages', () => {
    const output = [
      'zlib1g\t1:1.3\tamd64\t160\tzlib\t\tii ',
      'bash\t5.2-1\tamd64\t7000\t\thttps://gnu.org\tii ',
      'gone\t1.0\tamd64\t1\t\t\trc ',
      'kubelet\t1.35.3-1.1\tamd64\t1\t\t\thi ',
    ].join('\n');
    expect(parseDpkgQuery(output)).toEqual([
      { name: 'bash', version: '5.2-1', architecture: 'amd64', installedSizeKiB: 7000, sourcePackage: 'bash', homepage: 'https://gnu.org' },
      { name: 'kubelet', version: '1.35.3-1.1', architecture: 'amd64', installedSizeKiB: 1, sourcePackage: 'kubelet', homepage: '' },
      { name: 'zlib1g', version: '1:1.3', architecture: 'amd64', installedSizeKiB: 160, sourcePackage: 'zlib', homepage: '' },
    ]);
    expect(DPKG_QUERY_FORMAT.endsWith('\n')).toBe(true);
  });
});

describe('renderSpdx', () => {
  const doc = renderSpdx({
    imageName: 'workers',
    buildKey: 'f'.repeat(64),
    distro: 'debian',
    release: 'trixie',
    created: '2026-01-01T00:00:00Z',
    packages: [{ name: 'libc6', version: '2.41-12', architecture: 'amd64', installedSizeKiB: 12000, sourcePackage: 'glibc', homepage: '' }],
  }) as {
    spdxVersion: string;
    packages: { SPDXID: string; externalRefs?: { referenceLocator: string }[] }[];
    relationships: { relationshipType: string; relatedSpdxElement: string }[];
  };

  it('is an SPDX 2.3 document describing the image', () => {
    expect(doc.spdxVersion).toBe('SPDX-2.3');
    expect(doc.relationships[0]).toMatchObject({ relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' });
  });

  it('lists each package with a Debian purl and a CONTAINS relationship', () => {
    const libc = doc.packages.find((p) => p.SPDXID.includes('libc6'));
    expect(libc?.externalRefs?.[0]?.referenceLocator).toBe('pkg:deb/debian/libc6@2.41-12?arch=amd64&distro=debian-trixie');
    expect(libc?.SPDXID).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
    expect(doc.relationships.some((r) => r.relationshipType === 'CONTAINS' && r.relatedSpdxElement === libc?.SPDXID)).toBe(true);
  });
});
