import { compareVersions } from '@/spec/catalog';
import type { Catalog } from '@/lib/api/get-catalog';

type Minor = Catalog['kubernetesMinors'][number];

const lineOf = (version: string) => version.split('.').slice(0, 2).join('.');

/**
 * Why a Kubernetes minor cannot run on the chosen containerd, worded for the option
 * label (shown before the user picks it), or null when it can.
 */
export function kubernetesMinorWarning(
  minor: Minor,
  runtime: { source: 'distro' | 'upstream'; version?: string | undefined },
  distroContainerd: string | undefined,
): string | null {
  const containerd = runtime.source === 'upstream' ? runtime.version : distroContainerd;
  if (!containerd) return null;
  const minimum = minor.containerdMinimums[lineOf(containerd)];
  if (minimum && compareVersions(containerd, minimum) >= 0) return null;
  const lines = Object.keys(minor.containerdMinimums).sort((a, b) => compareVersions(a, b));
  const majors = [...new Set(lines.map((l) => l.split('.')[0]))];
  const needs = majors.length === 1 ? `containerd ${majors[0]}.x` : `containerd ${lines.map((l) => minor.containerdMinimums[l]).join(' / ')}+`;
  return runtime.source === 'distro' ? `needs ${needs} (upstream); this release ships ${containerd}` : `needs ${needs}; ${containerd} is not supported`;
}
