// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useDraftStore } from '@/stores/draft-store';
import { importImageBuilderVarFile } from '@/spec/interop/image-builder-var-file-import';
import { specToYaml } from '@/spec/yaml-spec';
import { ImportVarFileDialog } from './import-var-file-dialog';

/** Plays the server with the real importer, so the dialog sees the answers the route gives. */
function fakeImportServer() {
  return vi.fn(async (_url: string, init?: RequestInit) => {
    const imported = importImageBuilderVarFile(JSON.parse(String(init?.body)));
    const body = {
      spec: imported.spec,
      specYaml: specToYaml(imported.spec as unknown as Record<string, unknown>),
      unsupportedKeys: imported.unsupportedKeys,
      warnings: imported.warnings,
      issues: [],
    };
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
    expect(unsupported.textContent).toBe('http_proxy');
    await userEvent.click(screen.getByRole('button', { name: 'Load into designer' }));

    await waitFor(() => expect(onLoaded).toHaveBeenCalled());
    const draft = useDraftStore.getState().draft;
    expect(draft.spec.kubernetes.version).toBe('1.34.5');
    expect(draft.spec.packages).toEqual(['jq']);
  });
});
