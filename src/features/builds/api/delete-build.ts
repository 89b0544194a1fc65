import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildKeys } from '@/lib/api/build-query-keys';

export async function deleteBuild(id: string): Promise<void> {
  await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function useDeleteBuild(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteBuild(id),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: buildKeys.detail(id) });
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
    },
  });
}
