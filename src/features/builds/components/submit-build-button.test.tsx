// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { useDraftStore } from '@/stores/draft-store';
import { usePreflightSkipStore } from '@/stores/preflight-skip-store';
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

const preflight = (enforced: boolean, sources: { url: string; ok: boolean; error: string | null; skipped?: boolean }[]) => ({
  ok: sources.every((s) => s.ok),
  enforced,
  sources: sources.map((s) => ({ kind: 'kubernetes-apt-repository', status: s.ok ? 200 : null, ms: 3, skipped: false, ...s })),
  standIn: null,
});
const reachable = preflight(true, [{ url: 'https://pkgs.example/InRelease', ok: true, error: null }]);

const loopbackSession = { authRequired: false, authenticated: true, mode: 'loopback', user: null };

/** The server's answers by path: who is calling, the Review step's preflight, and everything else (the build request). */
function serverAnswering(other: () => Response, preflightBody: unknown = reachable, session: unknown = loopbackSession) {
  return vi.fn(async (input: RequestInfo | URL, _init?: RequestInit) => {
    if (String(input) === '/api/session') return new Response(JSON.stringify(session), { status: 200 });
    return String(input).startsWith('/api/preflight') ? new Response(JSON.stringify(preflightBody), { status: 200 }) : other();
  });
}

const buildCalls = (fetchMock: ReturnType<typeof serverAnswering>) => fetchMock.mock.calls.filter(([input]) => String(input).startsWith('/api/builds'));

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
  usePreflightSkipStore.getState().reset();
});

describe('SubmitBuildButton', () => {
  it('posts exactly the YAML on screen and opens the new build', async () => {
    const fetchMock = serverAnswering(() => new Response(JSON.stringify({ build: detail('b-new', 'queued'), reused: false }), { status: 201 }));
    vi.stubGlobal('fetch', fetchMock);
    const text = `${useDraftStore.getState().yamlText}# my comment\n`;
    useDraftStore.getState().setFromYaml(text);
    const location = renderButton();
    fireEvent.click(screen.getByRole('button', { name: 'Build' }));
    await waitFor(() => expect(location.history.at(-1)).toBe('/builds/b-new'));
    expect(buildCalls(fetchMock)[0]?.[1]?.body).toBe(text);
  });

  it('is disabled, naming each source, while the server would refuse the build for a failing source', async () => {
    const fetchMock = serverAnswering(
      () => new Response('{}', { status: 500 }),
      preflight(true, [
        { url: 'https://pkgs.example/InRelease', ok: false, error: 'HTTP 404 Not Found' },
        { url: 'https://pkgs.example/Release.key', ok: false, error: 'getaddrinfo ENOTFOUND pkgs.example' },
      ]),
    );
    vi.stubGlobal('fetch', fetchMock);
    renderButton();
    const button = screen.getByRole('button', { name: 'Build' });
    await waitFor(() => expect(button.hasAttribute('disabled')).toBe(true));
    const reason = document.getElementById('build-blocked-sources')?.textContent ?? '';
    expect(reason).toContain('the build server cannot use 2 sources this spec names');
    expect(reason).toContain('https://pkgs.example/InRelease: HTTP 404 Not Found; https://pkgs.example/Release.key: getaddrinfo ENOTFOUND pkgs.example');
    expect(button.getAttribute('aria-describedby')).toBe('build-blocked-sources');
    fireEvent.click(button);
    expect(buildCalls(fetchMock)).toEqual([]);
  });

  it('stays enabled when the server does not enforce its preflight, and sends the hosts the user vouched for', async () => {
    usePreflightSkipStore.getState().setSkipped('apt-proxy.internal', true);
    const fetchMock = serverAnswering(
      () => new Response(JSON.stringify({ build: detail('b-new', 'queued'), reused: false }), { status: 201 }),
      preflight(false, [{ url: 'https://pkgs.example/InRelease', ok: false, error: 'HTTP 404 Not Found' }]),
    );
    vi.stubGlobal('fetch', fetchMock);
    const location = renderButton();
    await waitFor(() => expect(fetchMock.mock.calls.some(([input]) => String(input) === '/api/preflight?skipPreflight=apt-proxy.internal')).toBe(true));
    fireEvent.click(screen.getByRole('button', { name: 'Build' }));
    await waitFor(() => expect(location.history.at(-1)).toBe('/builds/b-new'));
    expect(String(buildCalls(fetchMock)[0]?.[0])).toBe('/api/builds?skipPreflight=apt-proxy.internal');
  });

  it('is disabled for a signed-in viewer, and says why', async () => {
    const viewer = { authRequired: true, authenticated: true, mode: 'oidc', user: { subject: 'vic', name: 'Vic Viewer', role: 'viewer' } };
    const fetchMock = serverAnswering(() => new Response('{}', { status: 500 }), reachable, viewer);
    vi.stubGlobal('fetch', fetchMock);
    renderButton();
    await waitFor(() => expect(screen.getByText(/Vic Viewer has the viewer role/)).toBeTruthy());
    const button = screen.getByRole('button', { name: 'Build' });
    expect(button.hasAttribute('disabled')).toBe(true);
    fireEvent.click(button);
    expect(buildCalls(fetchMock)).toEqual([]);
  });

  it('is disabled, says why and links the first problem while the draft differs from the last valid spec', () => {
    const fetchMock = serverAnswering(() => new Response('{}', { status: 500 }));
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
    expect(buildCalls(fetchMock)).toEqual([]);
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
      serverAnswering(() => new Response(JSON.stringify({ build: detail('b-old', 'succeeded'), reused: true }), { status: 200 })),
    );
    const location = renderButton();
    fireEvent.click(screen.getByRole('button', { name: 'Build' }));
    await waitFor(() => expect(location.history.at(-1)).toBe('/builds/b-old?reused=1'));
  });

  it('lists the spec issues the server names', async () => {
    vi.stubGlobal(
      'fetch',
      serverAnswering(
        () =>
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
