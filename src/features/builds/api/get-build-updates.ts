import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildKeys } from '@/lib/api/build-query-keys';
import { buildUpdatesSchema, type BuildUpdates } from '@/spec/updates-api';

export async function getBuildUpdates(id: string, refresh: boolean, signal?: AbortSignal): Promise<BuildUpdates> {
  const query = refresh ? '?refresh=true' : '';
  return buildUpdatesSchema.parse(await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}/updates${query}`, { signal }));
}

const updatesKey = (id: string) => [...buildKeys.detail(id), 'updates'] as const;

export const buildUpdatesQueryOptions = (id: string) =>
  queryOptions({
    queryKey: updatesKey(id),
    queryFn: ({ signal }) => getBuildUpdates(id, false, signal),
    // the server keeps the newest check and refreshes it on its own schedule
    staleTime: 5 * 60_000,
    retry: false,
  });

export const useBuildUpdates = (id: string, enabled = true) => useQuery({ ...buildUpdatesQueryOptions(id), enabled });

/** Reads the build's suites again now. */
export function useRecheckUpdates(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => getBuildUpdates(id, true),
    onSuccess: (updates) => {
      queryClient.setQueryData(updatesKey(id), updates);
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
    },
  });
}
