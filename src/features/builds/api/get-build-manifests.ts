import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildKeys } from '@/lib/api/build-query-keys';
import { dropInManifestsResponseSchema, type DropInManifestsResponse } from '@/spec/providers/manifests/manifests-api';

export async function getBuildManifests(id: string, signal?: AbortSignal): Promise<DropInManifestsResponse> {
  return dropInManifestsResponseSchema.parse(await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}/manifests`, { signal }));
}

export const buildManifestsQueryOptions = (id: string) =>
  queryOptions({
    queryKey: [...buildKeys.detail(id), 'manifests'] as const,
    queryFn: ({ signal }) => getBuildManifests(id, signal),
    // only asked for succeeded builds, whose images and their identifiers never change
    staleTime: Infinity,
    gcTime: 10 * 60_000,
  });

export const useBuildManifests = (id: string, enabled = true) => useQuery({ ...buildManifestsQueryOptions(id), enabled });
