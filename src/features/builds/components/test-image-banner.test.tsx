// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TestImageBanner } from './test-image-banner';

afterEach(cleanup);

describe('TestImageBanner', () => {
  it('says plainly that a stand-in build is a test image', () => {
    render(<TestImageBanner testImage={{ reason: "kubelet is the Kubernetes stand-in's package" }} />);
    expect(screen.getByRole('note', { name: 'Test image' }).textContent).toBe(
      "Test image — Kubernetes binaries are stand-ins; this is not a working node. kubelet is the Kubernetes stand-in's package.",
    );
  });

  it('shows nothing for an image built from a real repository', () => {
    render(<TestImageBanner testImage={null} />);
    expect(screen.queryByRole('note')).toBeNull();
  });
});
