// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { AppRoutes } from './app';

function BrokenPage(): never {
  throw new Error('the build record has no stages');
}
const HealthyPage = () => <h1>Builds</h1>;

describe('AppRoutes', () => {
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('shows a readable fallback for a route that throws, and recovers on navigation', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const memory = memoryLocation({ path: '/broken' });
    render(
      <Router hook={memory.hook}>
        <AppRoutes
          routes={[
            { path: '/broken', component: BrokenPage },
            { path: '/builds', component: HealthyPage },
          ]}
        />
      </Router>,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveProperty('textContent', expect.stringContaining('This page could not be shown'));
    expect(alert.textContent).toContain('the build record has no stages');
    expect(screen.getByRole('button', { name: 'Reload the page' })).toBeTruthy();

    act(() => memory.navigate('/builds'));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Builds' })).toBeTruthy();
  });
});
