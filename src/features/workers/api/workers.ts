import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { workerListSchema, workerSchema } from '@/spec/workers-api';

export const workersQueryOptions = () =>
  queryOptions({
    queryKey: ['workers'] as const,
    queryFn: async ({ signal }) => workerListSchema.parse(await apiRequest<unknown>('/api/workers', { signal })),
    // heartbeats and running builds change by the second; a few seconds old is fresh enough to act on
    refetchInterval: 5_000,
  });

export const useWorkers = () => useQuery(workersQueryOptions());

/** Drains (true) or resumes (false) a worker; the list is read again either way. */
export function useSetWorkerDraining() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, draining }: { id: string; draining: boolean }) =>
      workerSchema.parse(await apiRequest<unknown>(`/api/workers/${encodeURIComponent(id)}/${draining ? 'drain' : 'resume'}`, { method: 'POST' })),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: workersQueryOptions().queryKey }),
  });
}

/** Forgets a stale worker (one that died without deregistering). */
export function useForgetWorker() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await apiRequest<unknown>(`/api/workers/${encodeURIComponent(id)}`, { method: 'DELETE' });
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: workersQueryOptions().queryKey }),
  });
}
