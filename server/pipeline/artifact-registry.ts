import { stat } from 'node:fs/promises';
import { sha256File } from '../signing/sha256sums';
import type { ArtifactInfo } from './events';
import type { Artifact, ArtifactRegistry } from './stage';

export function createArtifactRegistry(onAdd: (artifact: ArtifactInfo) => void): ArtifactRegistry {
  const artifacts: Artifact[] = [];
  return {
    async add(entry) {
      const [info, sha256] = await Promise.all([stat(entry.path), sha256File(entry.path)]);
      const artifact: Artifact = { name: entry.name, format: entry.format, path: entry.path, sizeBytes: info.size, sha256 };
      artifacts.push(artifact);
      onAdd({ name: artifact.name, format: artifact.format, sizeBytes: artifact.sizeBytes, sha256: artifact.sha256 });
      return artifact;
    },
    list: () => [...artifacts],
  };
}
