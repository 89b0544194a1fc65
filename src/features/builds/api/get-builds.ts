import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildListSchema, type BuildList } from '@/spec/build-api';
import { buildKeys, type BuildListFilters } from '@/lib/api/build-query-keys';

export function buildListSearch(filters: BuildListFilters): string {
  const params = new URLSearchParams();
  if (filters.state) params.set('state', filters.state);
  if (filters.name?.trim()) params.set('name', filters.name.trim());
  if (filters.kubernetesVersion?.trim()) params.set('kubernetesVersion', filters.kubernetesVersion.trim());
  params.set('page', String(filters.page));
  params.set('pageSize', String(filters.pageSize));
  params.set('sort', filters.sort);
  return params.toString();
}

export async function getBuilds(filters: BuildListFilters, signal?: AbortSignal): Promise<BuildList> {
  return buildListSchema.parse(await apiRequest<unknown>(`/api/builds?${buildListSearch(filters)}`, { signal }));
}

export const buildsQueryOptions = (filters: BuildListFilters) =>
  queryOptions({
    queryKey: buildKeys.list(filters),
    queryFn: ({ signal }) => getBuilds(filters, signal),
    placeholderData: keepPreviousData,
    // queued and running rows change on their own; a page of finished builds does not
    refetchInterval: (query) => (query.state.data?.items.some((b) => b.state === 'queued' || b.state === 'running') ? 3_000 : 30_000),
  });

export const useBuilds = (filters: BuildListFilters) => useQuery(buildsQueryOptions(filters));
