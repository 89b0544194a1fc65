// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { BuildOrigin } from './build-origin';

afterEach(cleanup);

describe('BuildOrigin', () => {
  it('names the worker and links the build this one retried', () => {
    render(<BuildOrigin worker="node-2/4242/1767225600" retryOf="b-lost" />);
    const origin = screen.getByLabelText('Origin');
    expect(origin.textContent).toBe('Retry of build b-lost. Worker node-2/4242/1767225600');
    expect(screen.getByRole('link', { name: 'build b-lost' }).getAttribute('href')).toBe('/builds/b-lost');
  });

  it('shows nothing for a build not yet claimed that retried nothing', () => {
    render(<BuildOrigin worker={null} retryOf={null} />);
    expect(screen.queryByLabelText('Origin')).toBeNull();
  });
});
