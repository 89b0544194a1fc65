// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import type { SessionInfo } from '@/spec/access-api';
import { BuildActions } from './build-actions';

const alice: SessionInfo = { authRequired: true, authenticated: true, mode: 'oidc', user: { subject: 'alice', name: 'Alice', role: 'builder' } };

function renderActions(session: SessionInfo, submittedBy: string | null) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL) =>
      String(input) === '/api/session' ? new Response(JSON.stringify(session), { status: 200 }) : new Response('{}', { status: 500 }),
    ),
  );
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Router hook={memoryLocation({ path: '/builds/b1' }).hook}>
        <BuildActions id="b1" state="running" submittedBy={submittedBy} />
      </Router>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('BuildActions', () => {
  it("offers a builder no cancel on another's build, and says why", async () => {
    renderActions(alice, 'bob');
    expect(await screen.findByText(/Only the person who submitted this build, or an admin/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel build' })).toBeNull();
  });

  it('offers a builder cancel on their own build', async () => {
    renderActions(alice, 'alice');
    expect(await screen.findByRole('button', { name: 'Cancel build' })).toBeTruthy();
    expect(screen.queryByText(/Only the person who submitted/)).toBeNull();
  });
});
