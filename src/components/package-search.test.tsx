// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PackageSearch } from './package-search';

function renderSearch(onAdd = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <PackageSearch release="trixie" onAdd={onAdd} />
    </QueryClientProvider>,
  );
  return onAdd;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('PackageSearch', () => {
  it('searches the release after a pause in typing and adds a hit', async () => {
    const fetchMock = vi.fn(
      async (_input: RequestInfo | URL) =>
        new Response(
          JSON.stringify({
            release: 'trixie',
            query: 'jq',
            total: 1,
            items: [{ name: 'jq', version: '1.7.1-6', section: 'utils', description: 'JSON processor', installedSizeBytes: 153600, downloadSizeBytes: null }],
          }),
          { status: 200 },
        ),
    );
    vi.stubGlobal('fetch', fetchMock);
    const onAdd = renderSearch();
    fireEvent.change(screen.getByLabelText('Search by name or description'), { target: { value: 'jq' } });
    expect(await screen.findByText('JSON processor')).toBeTruthy();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/packages?release=trixie&q=jq&limit=20');
    expect(screen.getByText(/150\.0 KiB installed/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add jq' }));
    expect(onAdd).toHaveBeenCalledWith('jq');
    expect(screen.getByRole('button', { name: 'jq added' })).toHaveProperty('disabled', true);
  });

  it('asks for two letters before searching and explains when search is unavailable', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ code: 'package_index_unavailable', message: 'mirror down' }), { status: 502 })),
    );
    renderSearch();
    expect(screen.getByText('Type at least two letters.')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Search by name or description'), { target: { value: 'nf' } });
    expect(await screen.findByText(/Search is unavailable: mirror down/)).toBeTruthy();
  });
});
