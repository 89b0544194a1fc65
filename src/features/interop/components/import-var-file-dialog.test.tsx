// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDraftStore } from '@/stores/draft-store';
import { importImageBuilderVarFile } from '@/spec/interop/image-builder-var-file-import';
import { varFileImportResponse } from '@/spec/interop/var-file-import-response';
import { ImportVarFileDialog } from './import-var-file-dialog';

/** Plays the server with the real importer and response, so the dialog sees the answers the route gives. */
function fakeImportServer() {
  return vi.fn(async (_url: string, init?: RequestInit) => {
    const body = varFileImportResponse(importImageBuilderVarFile(JSON.parse(String(init?.body))));
    return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  });
}

beforeEach(() => {
  useDraftStore.getState().reset();
  vi.stubGlobal('fetch', fakeImportServer());
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ImportVarFileDialog', () => {
  it('shows the keys that do not carry over and loads the spec into the designer', async () => {
    const onLoaded = vi.fn();
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ImportVarFileDialog onLoaded={onLoaded} />
      </QueryClientProvider>,
    );
    const file = new File([JSON.stringify({ kubernetes_semver: 'v1.34.5', extra_debs: 'jq', http_proxy: 'http://proxy:3128' })], 'vars.json', {
      type: 'application/json',
    });
    await userEvent.upload(screen.getByLabelText(/^Var file \(JSON/), file);

    const unsupported = await screen.findByRole('list', { name: 'Unsupported keys' });
    expect(unsupported.textContent).toBe('http_proxy: no Stamper equivalent');
    // each key once: not repeated among the notes
    expect(screen.queryByRole('list', { name: 'Import notes' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Load into designer' }));

    await waitFor(() => expect(onLoaded).toHaveBeenCalled());
    const draft = useDraftStore.getState().draft;
    expect(draft.spec.kubernetes.version).toBe('1.34.5');
    expect(draft.spec.packages).toEqual(['jq']);
    expect(useDraftStore.getState().replaced?.why).toBe('Imported the var file vars.json');
  });

  it('makes no "carries over" claim for a value the spec then rejects, and names the key', async () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ImportVarFileDialog />
      </QueryClientProvider>,
    );
    const file = new File([JSON.stringify({ kubernetes_semver: 'v1.31.2', extra_debs: 'jq' })], 'old.json', { type: 'application/json' });
    await userEvent.upload(screen.getByLabelText(/^Var file \(JSON/), file);
    const rejected = await screen.findByRole('list', { name: 'Rejected values' });
    expect(rejected.textContent).toMatch(/^kubernetes_semver: Kubernetes version: Kubernetes 1\.31\.2 is not supported/);
    expect(screen.queryByText(/carries over/)).toBeNull();
    expect(screen.getByText('old.json')).toBeTruthy();
  });

  it('says every key carries over only when nothing was dropped or rejected', async () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <ImportVarFileDialog />
      </QueryClientProvider>,
    );
    const file = new File([JSON.stringify({ kubernetes_semver: 'v1.35.3', extra_debs: 'jq' })], 'fine.json', { type: 'application/json' });
    await userEvent.upload(screen.getByLabelText(/^Var file \(JSON/), file);
    expect(await screen.findByText('Every key in fine.json carries over.')).toBeTruthy();
  });
});
