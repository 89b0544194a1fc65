import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { buildDirs, isInside } from '../builds/build-dirs.ts';
import { ServiceError } from '../builds/service-error.ts';
import type { ArtifactRow } from '../store/build-rows.ts';
import type { ArtifactStorage, StoredArtifact } from './artifact-storage.ts';

/**
 * The default: artifacts stay where the build wrote them, in the data directory's
 * `artifacts/<build id>/`. Publishing and removing have nothing to do beyond what the
 * executor and the delete already do to that directory.
 */
export class LocalArtifactStorage implements ArtifactStorage {
  readonly description: string;
  readonly remote = false;

  constructor(private readonly dataDir: string) {
    this.description = `artifacts are kept in ${buildDirs(dataDir, '').outDir}`;
  }

  async publish(): Promise<void> {}

  async open(artifact: ArtifactRow): Promise<StoredArtifact | undefined> {
    // the path comes from the database and must lie inside the build's output directory, so no request names a file of its own choosing
    const file = artifact.path;
    if (!file || !isInside(buildDirs(this.dataDir, artifact.build_id).outDir, file)) return undefined;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new ServiceError('artifact_gone', `${artifact.name} is no longer on disk`);
    return {
      size: info.size,
      read: async (span) => (span ? createReadStream(file, { start: span.start, end: span.end }) : createReadStream(file)),
    };
  }

  async remove(): Promise<void> {}
}
