import type { BuildDetail } from '../../src/spec/build-api.ts';
import type { StoredBuild } from '../store/build-store.ts';

/** Where a build's artifact downloads: URLs belong to the routes, not to the store. */
export function artifactUrl(buildId: string, name: string): string {
  return `/api/builds/${encodeURIComponent(buildId)}/artifacts/${encodeURIComponent(name)}`;
}

/** A stored build as the API answers it, with a download URL on every artifact. */
export function toBuildDetail(build: StoredBuild): BuildDetail {
  return { ...build, artifacts: build.artifacts.map((artifact) => ({ ...artifact, url: artifactUrl(build.id, artifact.name) })) };
}
