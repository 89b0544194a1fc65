import { z } from 'zod';
import type { BuildDetail } from '@/spec/build-api';
import type { PublishedImage } from '@/spec/build-events';
import { findProviderTarget, type ProviderTarget } from '@/spec/providers/provider-targets';
import type { DropInManifestsResponse } from '@/spec/providers/manifests/manifests-api';

type Artifact = BuildDetail['artifacts'][number];
type DropInManifest = DropInManifestsResponse['manifests'][number];

/** One provider target of a build: the files written for it, what was published for it, and its snippet. */
export interface ProviderGroup {
  target: ProviderTarget;
  artifacts: Artifact[];
  published: PublishedImage[];
  manifest: DropInManifest | undefined;
}

export interface ProviderGroups {
  groups: ProviderGroup[];
  /** Files no target owns: the SBOM, the checksum list and its signature. */
  otherArtifacts: Artifact[];
  /** Snippets for providers the spec did not name, served because a written format suits them too. */
  otherManifests: DropInManifest[];
  otherPublished: PublishedImage[];
}

// Read leniently: the stored spec may predate fields the schema has now; only these matter here.
const storedSpec = z.object({
  metadata: z.object({ name: z.string() }),
  spec: z.object({ outputs: z.array(z.object({ format: z.string(), targets: z.array(z.string()).optional() })) }),
});

const publishedTarget = (image: PublishedImage): string => image.provider;

/**
 * Groups a build's downloads and snippets by the provider targets its spec names, in the
 * spec's order. A file several targets share (one qcow2 for OpenStack and Proxmox) is
 * listed under each. Null when the spec names no target: the page keeps its flat lists.
 */
export function groupByProviderTarget(
  build: Pick<BuildDetail, 'spec' | 'artifacts' | 'published'>,
  manifests: readonly DropInManifest[] = [],
): ProviderGroups | null {
  const parsed = storedSpec.safeParse(build.spec);
  if (!parsed.success) return null;
  const { name } = parsed.data.metadata;
  const formatsByTarget = new Map<string, Set<string>>();
  for (const output of parsed.data.spec.outputs) {
    for (const id of output.targets ?? []) {
      if (!formatsByTarget.has(id)) formatsByTarget.set(id, new Set());
      formatsByTarget.get(id)?.add(output.format);
    }
  }
  const groups: ProviderGroup[] = [];
  for (const [id, formats] of formatsByTarget) {
    const target = findProviderTarget(id);
    if (!target) continue;
    groups.push({
      target,
      // the image file first, its metadata after it
      artifacts: [...build.artifacts.filter((a) => formats.has(a.format)), ...build.artifacts.filter((a) => a.name === `${name}-${id}.metadata.json`)],
      published: build.published.filter((p) => publishedTarget(p) === id),
      manifest: manifests.find((m) => m.target === id),
    });
  }
  if (groups.length === 0) return null;
  const owned = new Set(groups.flatMap((g) => g.artifacts.map((a) => a.name)));
  return {
    groups,
    otherArtifacts: build.artifacts.filter((a) => !owned.has(a.name)),
    otherManifests: manifests.filter((m) => !formatsByTarget.has(m.target)),
    otherPublished: build.published.filter((p) => !formatsByTarget.has(publishedTarget(p))),
  };
}
