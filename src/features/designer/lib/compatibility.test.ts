import { describe, expect, it } from 'vitest';
import { kubernetesMinors } from '@/spec/catalog';
import { kubernetesMinorWarning } from './compatibility';

const minor = (id: string) => {
  const found = kubernetesMinors.find((m) => m.minor === id);
  if (!found) throw new Error(`no minor ${id}`);
  return found;
};

describe('kubernetesMinorWarning', () => {
  it('marks minors that need containerd 2.x when the distro ships 1.7', () => {
    expect(kubernetesMinorWarning(minor('1.36'), { source: 'distro' }, '1.7.24')).toBe('needs containerd 2.x (upstream); this release ships 1.7.24');
    expect(kubernetesMinorWarning(minor('1.35'), { source: 'distro' }, '1.7.24')).toBeNull();
  });

  it('names the minimum when the distro containerd is too old within a supported line', () => {
    expect(kubernetesMinorWarning(minor('1.35'), { source: 'distro' }, '1.6.20')).toMatch(/^needs containerd 1\.7\.24 \/ 2\.0\.0/);
  });

  it('judges an upstream runtime by its own version', () => {
    expect(kubernetesMinorWarning(minor('1.36'), { source: 'upstream', version: '2.1.4' }, '1.7.24')).toBeNull();
    expect(kubernetesMinorWarning(minor('1.36'), { source: 'upstream', version: '1.7.30' }, '1.7.24')).toBe('needs containerd 2.x; 1.7.30 is not supported');
    expect(kubernetesMinorWarning(minor('1.36'), { source: 'upstream' }, '1.7.24')).toBeNull();
  });
});
