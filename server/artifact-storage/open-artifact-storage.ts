import type { ArtifactStorageConfig } from '../config/artifact-storage-config.ts';
import type { ArtifactStorage } from './artifact-storage.ts';
import { LocalArtifactStorage } from './local-artifact-storage.ts';
import { S3ArtifactStorage } from './s3-artifact-storage.ts';

/** Object storage when STAMPER_ARTIFACTS_URL configured it, else the data directory (the default). */
export function openArtifactStorage(config: { dataDir: string; artifactStorage?: ArtifactStorageConfig }): ArtifactStorage {
  return config.artifactStorage ? new S3ArtifactStorage(config.artifactStorage) : new LocalArtifactStorage(config.dataDir);
}
