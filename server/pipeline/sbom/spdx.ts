import type { InstalledPackage } from './installed-packages';

export interface SpdxInput {
  imageName: string;
  buildKey: string;
  distro: string;
  release: string;
  created: string;
  packages: readonly InstalledPackage[];
}

const spdxId = (name: string, version: string): string => `SPDXRef-Package-deb-${`${name}-${version}`.replace(/[^A-Za-z0-9.-]/g, '-')}`;

/**
 * An SPDX 2.3 document: the image is the described package, every installed Debian
 * package is CONTAINED_BY it with a purl so scanners can match advisories.
 */
export function renderSpdx(input: SpdxInput): object {
  const imageId = 'SPDXRef-Image';
  const packages = input.packages.map((p) => ({
    SPDXID: spdxId(p.name, p.version),
    name: p.name,
    versionInfo: p.version,
    supplier: 'NOASSERTION',
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    ...(p.homepage ? { homepage: p.homepage } : {}),
    sourceInfo: `built from source package ${p.sourcePackage}`,
    annotations: [{ annotationType: 'OTHER', annotator: 'Tool: stamper', annotationDate: input.created, comment: `installed-size-kib=${p.installedSizeKiB}` }],
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: `pkg:deb/${input.distro}/${encodeURIComponent(p.name)}@${encodeURIComponent(p.version)}?arch=${p.architecture}&distro=${input.distro}-${input.release}`,
      },
    ],
  }));
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${input.imageName}-${input.buildKey.slice(0, 12)}`,
    documentNamespace: `https://stamper.invalid/spdx/${input.buildKey}`,
    creationInfo: { created: input.created, creators: ['Tool: stamper'] },
    documentDescribes: [imageId],
    packages: [
      {
        SPDXID: imageId,
        name: input.imageName,
        versionInfo: input.buildKey,
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        licenseConcluded: 'NOASSERTION',
        licenseDeclared: 'NOASSERTION',
        copyrightText: 'NOASSERTION',
        primaryPackagePurpose: 'OPERATING-SYSTEM',
      },
      ...packages,
    ],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: imageId },
      ...packages.map((p) => ({ spdxElementId: imageId, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID })),
    ],
  };
}
