import { rm } from 'node:fs/promises';
import type { ArtifactStorage } from '../artifact-storage/artifact-storage.ts';
import type { Store } from '../store/store.ts';
import { buildDirs } from './build-dirs.ts';

export interface RetentionPolicy {
  keepBuilds: number;
  maxArtifactBytes: number;
}

/**
 * Frees disk by deleting the artifacts of the oldest finished builds beyond the last N
 * or beyond the byte budget. History (rows, events, logs) stays, so the list still
 * shows what was built; pruned builds are no longer reused for the same build key.
 * Builds a channel points at are neither pruned nor counted. Stored copies (object
 * storage) go before the rows say so: a failure leaves the build listed with its
 * artifacts, for the next round to try again.
 */
export async function applyRetention(store: Store, dataDir: string, policy: RetentionPolicy, newest?: string, storage?: ArtifactStorage): Promise<string[]> {
  let kept = 0;
  let bytes = 0;
  const pruned: string[] = [];
  // a channel's consumers download its build by the channel URL: it stays until the channel moves on
  const onChannel = await store.buildsOnChannels();
  for (const build of await store.buildsWithArtifacts(newest)) {
    if (onChannel.has(build.id)) continue;
    // The build finishing now is always kept: pruning what the user just asked for helps nobody.
    if (build.id === newest || (kept < policy.keepBuilds && bytes + build.bytes <= policy.maxArtifactBytes)) {
      kept += 1;
      bytes += build.bytes;
      continue;
    }
    await rm(buildDirs(dataDir, build.id).outDir, { recursive: true, force: true });
    await storage?.remove(build.id);
    await store.dropArtifacts(build.id, 'pruned');
    pruned.push(build.id);
  }
  return pruned;
}
