import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

/** GET /api/catalog, checked at the boundary so a server mismatch fails loudly, not as odd UI. */
const catalogSchema = z.object({
  releases: z.array(
    z.object({
      id: z.string(),
      distro: z.string(),
      version: z.string(),
      title: z.string(),
      containerd: z.string(),
      mirrorRequired: z.boolean(),
      buildableHere: z.boolean(),
      note: z.string().optional(),
      compatibility: z.array(z.object({ kubernetesMinor: z.string(), distroRuntime: z.boolean(), reason: z.string().nullable() })).default([]),
    }),
  ),
  kubernetesMinors: z.array(
    z.object({
      minor: z.string(),
      defaultVersion: z.string(),
      containerdMinimums: z.record(z.string(), z.string()),
      crictlVersion: z.string(),
      cniVersion: z.string(),
    }),
  ),
  outputFormats: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
});

export type Catalog = z.infer<typeof catalogSchema>;
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
