import { describe, expect, it } from 'vitest';
import { renderStamperRelease } from './node-config';

describe('renderStamperRelease', () => {
  it('single-quotes values so the file is safe to source', () => {
    const text = renderStamperRelease({
      buildKey: 'abc',
      specName: "it's",
      os: 'debian trixie',
      kubernetesVersion: '1.35.3',
      containerdVersion: '1.7.24',
      buildDate: '2026-01-01T00:00:00Z',
    });
    expect(text).toContain("STAMPER_BUILD_KEY='abc'\n");
    expect(text).toContain("STAMPER_SPEC_NAME='it'\\''s'\n");
    expect(text).toContain("STAMPER_KUBERNETES_VERSION='1.35.3'\n");
  });
});
