import { describe, expect, it } from 'vitest';
import { containerdIncompatibility, containerdTarballUrl, suggestedUpstreamContainerd } from './catalog';
import { sha256SumUrlFor } from './checksum-api';

describe('the suggested upstream containerd', () => {
  it("is the containerd project's official linux-amd64 release tarball, with its checksum file beside it", () => {
    expect(containerdTarballUrl('2.2.0')).toBe('https://github.com/containerd/containerd/releases/download/v2.2.0/containerd-2.2.0-linux-amd64.tar.gz');
    expect(sha256SumUrlFor(containerdTarballUrl('2.2.0'))).toBe(
      'https://github.com/containerd/containerd/releases/download/v2.2.0/containerd-2.2.0-linux-amd64.tar.gz.sha256sum',
    );
    expect(containerdTarballUrl('2.2.0', 'http://mirror.example/containerd')).toBe(
      'http://mirror.example/containerd/v2.2.0/containerd-2.2.0-linux-amd64.tar.gz',
    );
  });

  it('runs the newest Kubernetes in the catalog', () => {
    expect(suggestedUpstreamContainerd).toMatch(/^2\./);
    expect(containerdIncompatibility('1.37.0', suggestedUpstreamContainerd)).toBeNull();
    expect(containerdIncompatibility('1.36.2', suggestedUpstreamContainerd)).toBeNull();
  });
});
