import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { KubernetesMinor, OutputFormatId, ReleaseEntry } from '@/spec/catalog';

export interface CatalogOutputFormat {
  id: OutputFormatId;
  title: string;
  description: string;
}

/** GET /api/catalog: what the designer offers, as the server's catalog.ts has it. */
export interface Catalog {
  releases: ReleaseEntry[];
  kubernetesMinors: KubernetesMinor[];
  outputFormats: CatalogOutputFormat[];
}

export const getCatalog = (signal?: AbortSignal): Promise<Catalog> => apiRequest<Catalog>('/api/catalog', { signal });

export const catalogQueryOptions = () =>
  queryOptions({
    queryKey: ['catalog'] as const,
    queryFn: ({ signal }) => getCatalog(signal),
    // The catalog only changes when the server is upgraded; a reload picks that up.
    staleTime: Infinity,
  });

export const useCatalog = () => useQuery(catalogQueryOptions());
