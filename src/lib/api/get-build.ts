import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildDetailSchema, type BuildDetail } from '@/spec/build-api';
import { finishedStates } from '@/spec/build-events';
import { buildKeys } from './build-query-keys';

export async function getBuild(id: string, signal?: AbortSignal): Promise<BuildDetail> {
  return buildDetailSchema.parse(await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}`, { signal }));
}

export const buildQueryOptions = (id: string) =>
  queryOptions({
    queryKey: buildKeys.detail(id),
    queryFn: ({ signal }) => getBuild(id, signal),
    // A finished build never changes again (only deletion, which the list reflects), so
    // it is never refetched; the bounded gcTime keeps many opened builds from piling up.
    staleTime: (query) => (query.state.data && finishedStates.includes(query.state.data.state) ? Infinity : 0),
    gcTime: 10 * 60_000,
  });

export const useBuild = (id: string) => useQuery(buildQueryOptions(id));
