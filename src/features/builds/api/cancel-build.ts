import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildKeys } from '@/lib/api/build-query-keys';

export async function cancelBuild(id: string): Promise<void> {
  await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
}

export function useCancelBuild(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => cancelBuild(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: buildKeys.detail(id), exact: true });
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
    },
  });
}
