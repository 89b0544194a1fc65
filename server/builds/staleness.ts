import type { Stale } from '../../src/spec/build-api.ts';
import { compareInputs, type BuildInput } from '../../src/spec/build-inputs.ts';
import type { NodeImage } from '../../src/spec/schema.ts';
import type { Store } from '../store/store.ts';

/** Reads the current state of a spec's sources (server/sources/build-inputs.ts under the operator's policy). */
export type InputsProbe = (spec: NodeImage) => Promise<BuildInput[]>;

/**
 * Whether a finished build of this spec would come out differently now. Undefined when
 * it would not, when the build recorded no inputs (built before inputs were recorded,
 * or by a runner that records none), or when the sources cannot be read right now: an
 * unreachable mirror is no reason to refuse a build that exists.
 */
export async function staleness(store: Store, probe: InputsProbe | undefined, buildId: string, spec: NodeImage): Promise<Stale | undefined> {
  if (!probe) return undefined;
  const recorded = await store.buildInputs(buildId);
  if (recorded.length === 0) return undefined;
  const current = await probe(spec).catch(() => undefined);
  if (!current) return undefined;
  const changed = compareInputs(recorded, current);
  if (changed.length === 0) return undefined;
  return { changed, updates: await store.updateCounts(buildId) };
}
