import { createHash } from 'node:crypto';
import { inputIdentity, type BuildInput } from '../../../src/spec/build-inputs';
import { canonicalJson } from '../../../src/spec/canonical-json';
import { osLayerInputs } from '../../sources/build-inputs';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { rootfsPackages } from './package-set';

/** Bump when the rootfs stage's output for the same inputs changes. */
// rootfs/4: mmdebstrap --mode=unshare (rootless builds); rootfs/5: -updates and -security suites, extra repositories
export const ROOTFS_LAYER_VERSION = 'rootfs/5';

/**
 * The base tree depends only on the OS, runtime, package and repository choices (plus
 * the mirror it came from), never on Kubernetes, so changing the Kubernetes version is a warm build.
 * With `inputs` (the recorded state of the sources) it also changes whenever an archive
 * the base tree comes from publishes anything new.
 */
export function osLayerKey(spec: NodeImageSpec, inputs?: readonly BuildInput[]): string {
  // an unset mirror means "the host's Debian mirror": same archive content wherever it is served from
  const mirror = spec.os.mirror ?? 'host-default';
  const input = canonicalJson({
    layer: ROOTFS_LAYER_VERSION,
    os: { ...spec.os, mirror },
    runtime: spec.runtime,
    packages: rootfsPackages(spec),
    repositories: spec.repositories,
    inputs: inputs ? osLayerInputs(inputs).map((input) => [inputIdentity(input), input.sha256]) : undefined,
  });
  return createHash('sha256').update(input).digest('hex');
}
