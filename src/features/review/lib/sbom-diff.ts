import type { SbomPackage } from '@/spec/build-api';

export interface SbomChange {
  name: string;
  kind: 'added' | 'removed' | 'changed';
  before: SbomPackage | null;
  after: SbomPackage | null;
}

export interface SbomDiff {
  added: SbomChange[];
  removed: SbomChange[];
  changed: SbomChange[];
  unchangedCount: number;
}

/**
 * Package differences from build A to build B, by package name. A package listed more than
 * once (multi-arch) is keyed by name + version so no row is silently lost.
 */
export function diffSbom(a: readonly SbomPackage[], b: readonly SbomPackage[]): SbomDiff {
  const index = (list: readonly SbomPackage[]) => {
    const map = new Map<string, SbomPackage>();
    for (const pkg of list) map.set(map.has(pkg.name) ? `${pkg.name}@${pkg.version}` : pkg.name, pkg);
    return map;
  };
  const before = index(a);
  const after = index(b);
  const diff: SbomDiff = { added: [], removed: [], changed: [], unchangedCount: 0 };
  for (const [key, pkg] of after) {
    const old = before.get(key);
    if (!old) diff.added.push({ name: pkg.name, kind: 'added', before: null, after: pkg });
    else if (old.version !== pkg.version) diff.changed.push({ name: pkg.name, kind: 'changed', before: old, after: pkg });
    else diff.unchangedCount += 1;
  }
  for (const [key, pkg] of before) {
    if (!after.has(key)) diff.removed.push({ name: pkg.name, kind: 'removed', before: pkg, after: null });
  }
  const byName = (x: SbomChange, y: SbomChange) => x.name.localeCompare(y.name);
  diff.added.sort(byName);
  diff.removed.sort(byName);
  diff.changed.sort(byName);
  return diff;
}
