// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { useDraftStore } from '@/stores/draft-store';
import { SubmitBuildButton } from './submit-build-button';

const detail = (id: string, state: string) => ({
  id,
  buildKey: 'k',
  name: 'workers',
  state,
  kubernetesVersion: '1.35.3',
  release: 'trixie',
  formats: ['raw'],
  createdAt: '2026-11-24T18:00:00Z',
  startedAt: null,
  finishedAt: null,
  error: null,
  failedStage: null,
  queuePosition: null,
  deleted: false,
  spec: {},
  specYaml: '',
  stages: [],
  verify: [],
  artifacts: [],
  published: [],
  lastEventSeq: 0,
});

function renderButton() {
  const location = memoryLocation({ path: '/', record: true });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Router hook={location.hook}>
        <SubmitBuildButton />
      </Router>
    </QueryClientProvider>,
  );
  return location;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  useDraftStore.getState().reset();
});

describe('SubmitBuildButton', () => {
  it('posts exactly the YAML on screen and opens the new build', async () => {
    const fetchMock = vi.fn(
      async (_input: RequestInfo | URL, _init?: RequestInit) =>
        new Response(JSON.stringify({ build: detail('b-new', 'queued'), reused: false }), { status: 201 }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const text = `${useDraftStore.getState().yamlText}# my comment\n`;
    useDraftStore.getState().setFromYaml(text);
    const location = renderButton();
    fireEvent.click(screen.getByRole('button', { name: 'Build' }));
    await waitFor(() => expect(location.history.at(-1)).toBe('/builds/b-new'));
    expect(fetchMock.mock.calls[0]?.[1]?.body).toBe(text);
  });

  it('is disabled, says why and links the first problem while the draft differs from the last valid spec', () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const valid = useDraftStore.getState().yamlText;
    useDraftStore.getState().setFromYaml(valid.replace('packages: []', 'packages: [jq, ";rm -rf /"]'));
    // The trap the issue describes: the store still holds an older valid spec it could build.
    expect(useDraftStore.getState().status).toBe('invalid-spec');
    expect(useDraftStore.getState().lastValid.spec.packages).toEqual([]);
    renderButton();
    const button = screen.getByRole('button', { name: 'Build' });
    expect(button.hasAttribute('disabled')).toBe(true);
    fireEvent.click(button);
    expect(fetchMock).not.toHaveBeenCalled();
    const link = screen.getByRole('link', { name: /First problem: Packages, item 2: must be a Debian package name/ });
    expect(link.getAttribute('href')).toBe('#spec-issue-0');
    expect(screen.getByText(/Build is disabled until the spec has no problems/)).toBeTruthy();
  });

  it('is disabled while the YAML does not parse', () => {
    useDraftStore.getState().setFromYaml('spec: [unclosed');
    renderButton();
    expect(screen.getByRole('button', { name: 'Build' }).hasAttribute('disabled')).toBe(true);
  });

  it('opens the existing build of an identical spec and marks it reused', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ build: detail('b-old', 'succeeded'), reused: true }), { status: 200 })),
    );
    const location = renderButton();
    fireEvent.click(screen.getByRole('button', { name: 'Build' }));
    await waitFor(() => expect(location.history.at(-1)).toBe('/builds/b-old?reused=1'));
  });

  it('lists the spec issues the server names', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(
            JSON.stringify({ code: 'invalid_spec', message: 'the spec is not valid', issues: [{ path: ['spec', 'disk', 'sizeGiB'], message: 'too small' }] }),
            { status: 400 },
          ),
      ),
    );
    renderButton();
    fireEvent.click(screen.getByRole('button', { name: 'Build' }));
    expect(await screen.findByText(/The build was not started: the spec is not valid/)).toBeTruthy();
    expect(screen.getByText('Disk size: too small')).toBeTruthy();
  });
});
