import { text } from 'node:stream/consumers';
import type { SbomPackage } from '../../src/spec/build-api.ts';
import type { StoredArtifact } from '../artifact-storage/artifact-storage.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import { spdxPackages } from './spdx-packages.ts';

const MAX_SBOM_BYTES = 64 * 1024 * 1024;

/** The build's SPDX document among its recorded artifacts. */
export const sbomArtifact = (artifacts: readonly ArtifactRow[]): ArtifactRow | undefined =>
  artifacts.find((a) => a.format === 'spdx' || a.name.endsWith('.spdx.json'));

export class SbomReadError extends Error {
  constructor(
    readonly code: 'sbom_too_large' | 'bad_sbom',
    message: string,
  ) {
    super(message);
  }
}

/** The SBOM's packages, its text read only when it is of a size to list. */
async function packagesOf(size: number, read: () => Promise<string>): Promise<SbomPackage[]> {
  if (size > MAX_SBOM_BYTES) throw new SbomReadError('sbom_too_large', 'the SBOM is too large to list');
  try {
    return spdxPackages(await read());
  } catch {
    throw new SbomReadError('bad_sbom', 'the SBOM could not be read as SPDX JSON');
  }
}

/** The installed packages listed in an SBOM wherever the artifact storage keeps it. */
export async function readStoredSbomPackages(stored: StoredArtifact): Promise<SbomPackage[]> {
  return packagesOf(stored.size, async () => text(await stored.read()));
}
