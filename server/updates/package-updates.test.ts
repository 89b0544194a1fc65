import { describe, expect, it } from 'vitest';
import type { AptInput } from '../../src/spec/build-inputs.ts';
import { compareVersions, findKubernetesMinor } from '../../src/spec/catalog.ts';
import { packageUpdates, type SuiteNow } from './package-updates.ts';

const suite = (name: string, suiteName: string, versions: Record<string, string>, label: string | null = null): SuiteNow => ({
  input: {
    kind: 'apt',
    role: 'extra',
    name,
    url: 'http://mirror.test/debian/',
    suite: suiteName,
    components: ['main'],
    releaseUrl: '',
    date: null,
    sha256: 'x',
    label,
  } satisfies AptInput,
  versions: new Map(Object.entries(versions)),
});

describe('packageUpdates', () => {
  const installed = [
    { name: 'openssl', version: '3.5.1-1', sizeBytes: null },
    { name: 'curl', version: '8.14.1-2', sizeBytes: null },
    { name: 'jq', version: '1.7.1-6', sizeBytes: null },
  ];
  const newest = findKubernetesMinor('1.35.0')?.defaultVersion ?? '';

  it('takes the newest version across suites, marks it security by the suite it comes from, and lists security fixes first', () => {
    const updates = packageUpdates(
      installed,
      [
        suite('distro', 'trixie', { openssl: '3.5.1-1', curl: '8.14.1-2', jq: '1.7.1-6' }),
        suite('distro-updates', 'trixie-updates', { curl: '8.14.1-3' }),
        suite('distro-security', 'trixie-security', { openssl: '3.5.1-1+deb13u1', curl: '8.14.1-2+deb13u1' }),
      ],
      newest,
    );
    expect(updates).toEqual([
      { name: 'openssl', installed: '3.5.1-1', available: '3.5.1-1+deb13u1', security: true, source: 'trixie-security' },
      // -updates' 8.14.1-3 sorts after the security rebuild 8.14.1-2+deb13u1, so apt takes it
      { name: 'curl', installed: '8.14.1-2', available: '8.14.1-3', security: false, source: 'trixie-updates' },
    ]);
  });

  it('counts a repository labelled security, and never offers an older version as an update', () => {
    const updates = packageUpdates(installed, [suite('internal', 'stable', { jq: '1.7.1-7', curl: '8.0.0-1' }, 'Internal Security')], newest);
    expect(updates).toEqual([{ name: 'jq', installed: '1.7.1-6', available: '1.7.1-7', security: true, source: 'stable' }]);
  });

  it('offers the catalog’s newest patch of the image’s Kubernetes minor', () => {
    // the catalog's 1.35 is past 1.35.0, so an image at 1.35.0 has a newer patch to go to
    expect(compareVersions(newest, '1.35.0')).toBeGreaterThan(0);
    expect(packageUpdates([], [], '1.35.0')).toEqual([{ name: 'kubernetes', installed: '1.35.0', available: newest, security: false, source: 'catalog' }]);
    expect(packageUpdates([], [], newest)).toEqual([]);
  });
});
