import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { compareDebianVersions } from './debian-version';

const pairs: [string, string][] = [
  ['1.0-1', '1.0-2'],
  ['1.0', '1.0-0'],
  ['1.0~rc1', '1.0'],
  ['1.0~rc1-1', '1.0-1'],
  ['1:0.9', '2.0'],
  ['2.37-2', '2.37-2+deb13u1'],
  ['6.12.38-1', '6.12.41-1'],
  ['1.7.24~ds1-6', '1.7.24~ds1-6+b2'],
  ['1.2a', '1.2b'],
  ['1.2a', '1.2+'],
  ['1.10', '1.9'],
  ['252.38-1~deb12u1', '252.39-1~deb12u1'],
  ['3.0.17-1~deb13u2', '3.0.17-1~deb13u10'],
  ['1.0', '1.0'],
];

describe('compareDebianVersions', () => {
  it.each(pairs)('orders %s and %s as dpkg does', (a, b) => {
    const dpkg = (op: string) => {
      try {
        execFileSync('dpkg', ['--compare-versions', a, op, b]);
        return true;
      } catch {
        return false;
      }
    };
    const expected = dpkg('lt') ? -1 : dpkg('eq') ? 0 : 1;
    expect(compareDebianVersions(a, b)).toBe(expected);
    expect(compareDebianVersions(b, a)).toBe(expected === 0 ? 0 : -expected);
  });
});
