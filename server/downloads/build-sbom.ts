import { readFile, stat } from 'node:fs/promises';
import type { SbomPackage } from '../../src/spec/build-api.ts';
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

/** The installed packages listed in an SBOM file, which is read only when it is of a size to list. */
export async function readSbomPackages(path: string): Promise<SbomPackage[]> {
  if ((await stat(path)).size > MAX_SBOM_BYTES) throw new SbomReadError('sbom_too_large', 'the SBOM is too large to list');
  try {
    return spdxPackages(await readFile(path, 'utf8'));
  } catch {
    throw new SbomReadError('bad_sbom', 'the SBOM could not be read as SPDX JSON');
  }
}
