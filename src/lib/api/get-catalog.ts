import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { catalogSchema, type Catalog } from '@/spec/catalog-api';

export type { Catalog };
export type CatalogRelease = Catalog['releases'][number];

export async function getCatalog(signal?: AbortSignal): Promise<Catalog> {
  return catalogSchema.parse(await apiRequest<unknown>('/api/catalog', { signal }));
}

export const catalogQueryOptions = () =>
  queryOptions({
    queryKey: ['catalog'] as const,
    queryFn: ({ signal }) => getCatalog(signal),
    // The catalog only changes when the server is upgraded; a reload picks that up.
    staleTime: Infinity,
  });

export const useCatalog = () => useQuery(catalogQueryOptions());
