import { describe, expect, it } from 'vitest';
import { kernelVersion } from './kernel-version';

const pkg = (name: string, version: string) => ({ name, version, sizeBytes: null });

describe('kernelVersion', () => {
  it('names the kernel release and package version of the versioned kernel package', () => {
    expect(kernelVersion([pkg('bash', '5.2'), pkg('linux-image-amd64', '6.12.57-1'), pkg('linux-image-6.12.57+deb13-amd64', '6.12.57-1')])).toBe(
      '6.12.57+deb13-amd64 (6.12.57-1)',
    );
  });

  it('takes the newest of several installed kernels', () => {
    expect(kernelVersion([pkg('linux-image-6.12.57+deb13-amd64', '6.12.57-1'), pkg('linux-image-6.12.63+deb13-amd64', '6.12.63-1')])).toBe(
      '6.12.63+deb13-amd64 (6.12.63-1)',
    );
  });

  it('falls back to the meta package, and says nothing without a kernel', () => {
    expect(kernelVersion([pkg('linux-image-virtual', '6.8.0.50.50')])).toBe('6.8.0.50.50');
    expect(kernelVersion([pkg('linux-image-extra-tools', '1'), pkg('bash', '5.2')])).toBeNull();
  });
});
