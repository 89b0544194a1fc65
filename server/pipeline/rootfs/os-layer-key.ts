import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../src/spec/canonical-json';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { rootfsPackages } from './package-set';

/** Bump when the rootfs stage's output for the same inputs changes. */
// rootfs/4: -updates and -security suites, extra repositories
export const ROOTFS_LAYER_VERSION = 'rootfs/4';

/**
 * The base tree depends only on the OS, runtime, package and repository choices (plus
 * the mirror it came from), never on Kubernetes, so changing the Kubernetes version is a warm build.
 */
export function osLayerKey(spec: NodeImageSpec): string {
  // an unset mirror means "the host's Debian mirror": same archive content wherever it is served from
  const mirror = spec.os.mirror ?? 'host-default';
  const input = canonicalJson({
    layer: ROOTFS_LAYER_VERSION,
    os: { ...spec.os, mirror },
    runtime: spec.runtime,
    packages: rootfsPackages(spec),
    repositories: spec.repositories,
  });
  return createHash('sha256').update(input).digest('hex');
}
