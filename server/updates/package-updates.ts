import { isSecuritySuite } from '../../src/spec/apt-suites.ts';
import type { SbomPackage } from '../../src/spec/build-api.ts';
import type { AptInput } from '../../src/spec/build-inputs.ts';
import { compareVersions, findKubernetesMinor } from '../../src/spec/catalog.ts';
import { compareDebianVersions } from '../../src/spec/debian-version.ts';
import type { PackageUpdate } from '../../src/spec/updates-api.ts';
import type { SuiteVersions } from './suite-packages.ts';

/** A suite the build installed from, with what it offers now. */
export interface SuiteNow {
  input: AptInput;
  versions: SuiteVersions;
}

/**
 * The packages of an image whose suites now offer something newer: for each installed
 * package the newest version across the build's suites (what apt would pick without pins),
 * marked security when that version comes from a security suite. Kubernetes itself counts
 * when the catalog knows a newer patch of the build's minor.
 */
export function packageUpdates(installed: readonly SbomPackage[], suites: readonly SuiteNow[], kubernetesVersion: string): PackageUpdate[] {
  const updates: PackageUpdate[] = [];
  for (const pkg of installed) {
    let best: { version: string; suite: SuiteNow } | undefined;
    for (const suite of suites) {
      const version = suite.versions.get(pkg.name);
      if (version && (!best || compareDebianVersions(version, best.version) > 0)) best = { version, suite };
    }
    if (!best || compareDebianVersions(best.version, pkg.version) <= 0) continue;
    updates.push({
      name: pkg.name,
      installed: pkg.version,
      available: best.version,
      security: isSecuritySuite(best.suite.input.suite, best.suite.input.label ?? undefined),
      source: best.suite.input.suite,
    });
  }
  const newestPatch = findKubernetesMinor(kubernetesVersion)?.defaultVersion;
  if (newestPatch && compareVersions(newestPatch, kubernetesVersion) > 0) {
    updates.push({ name: 'kubernetes', installed: kubernetesVersion, available: newestPatch, security: false, source: 'catalog' });
  }
  return updates.sort((a, b) => Number(b.security) - Number(a.security) || a.name.localeCompare(b.name));
}
