import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublishedImage } from '../../src/spec/build-events.ts';
import { renderDropInManifests } from '../../src/spec/providers/manifests/drop-in-manifests.ts';
import { manifestInputFromBuild } from '../../src/spec/providers/manifests/manifest-input-from-build.ts';
import type { NodeImage } from '../../src/spec/schema.ts';

/** Where `stamper build` writes the snippets, inside its output directory. */
export const DROP_IN_MANIFESTS_DIR = 'cluster-api';
/** A CLI build has no server to download from: snippets name files under this clusterctl variable. */
export const ARTIFACT_BASE_URL_VARIABLE = '${STAMPER_ARTIFACT_BASE_URL}';

export interface CliBuildForManifests {
  buildKey: string;
  image: NodeImage;
  artifacts: readonly { name: string; format: string; sha256: string; sizeBytes: number }[];
  published: readonly PublishedImage[];
}

/** Writes `<outDir>/cluster-api/<target>.yaml`, the notes as comments on top; returns the files written. */
export async function writeDropInManifestFiles(outDir: string, build: CliBuildForManifests): Promise<string[]> {
  const manifests = renderDropInManifests(
    manifestInputFromBuild({
      buildId: build.buildKey.slice(0, 12),
      image: build.image,
      artifacts: build.artifacts.map((a) => ({ ...a, url: `${ARTIFACT_BASE_URL_VARIABLE}/${encodeURIComponent(a.name)}` })),
      published: build.published,
    }),
  );
  if (manifests.length === 0) return [];
  const dir = join(outDir, DROP_IN_MANIFESTS_DIR);
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const manifest of manifests) {
    const file = join(dir, `${manifest.target}.yaml`);
    const notes = [...manifest.notes, `Artifact URLs start with ${ARTIFACT_BASE_URL_VARIABLE}: where you serve this directory's files from.`].map(
      (note) => `# NOTE: ${note}`,
    );
    await writeFile(file, `${notes.join('\n')}\n${manifest.yaml}`);
    written.push(file);
  }
  return written;
}
