import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '@/lib/api-client';

/** What `GET /api/packages` answers (server/http/routes/packages-routes.ts). */
export const packageSearchResultSchema = z.object({
  release: z.string(),
  query: z.string(),
  total: z.number(),
  items: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      section: z.string(),
      description: z.string(),
      installedSizeBytes: z.number().nullable(),
      downloadSizeBytes: z.number().nullable(),
    }),
  ),
});
export type PackageSearchResult = z.infer<typeof packageSearchResultSchema>;
export type PackageHit = PackageSearchResult['items'][number];

export async function searchPackages(release: string, q: string, limit: number, signal?: AbortSignal): Promise<PackageSearchResult> {
  const params = new URLSearchParams({ release, q, limit: String(limit) });
  return packageSearchResultSchema.parse(await apiRequest<unknown>(`/api/packages?${params}`, { signal }));
}

export const packageSearchQueryOptions = (release: string, q: string, limit = 20) =>
  queryOptions({
    queryKey: ['packages', release, q, limit] as const,
    queryFn: ({ signal }) => searchPackages(release, q, limit, signal),
    // a release's index changes a few times a day at most
    staleTime: 10 * 60_000,
    placeholderData: keepPreviousData,
  });

export const usePackageSearch = (release: string, q: string) => useQuery({ ...packageSearchQueryOptions(release, q.trim()), enabled: q.trim().length >= 2 });
