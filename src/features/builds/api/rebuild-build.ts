import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildKeys } from '@/lib/api/build-query-keys';
import { createBuildResponseSchema, type CreateBuildResponse } from '@/spec/build-api';

/** A succeeded build built again from its spec against today's sources: its successor. */
export async function rebuildBuild(id: string): Promise<CreateBuildResponse> {
  return createBuildResponseSchema.parse(await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}/rebuild`, { method: 'POST' }));
}

export function useRebuildBuild(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => rebuildBuild(id),
    onSuccess: (response) => {
      queryClient.setQueryData(buildKeys.detail(response.build.id), response.build);
      // the predecessor now names its successor
      void queryClient.invalidateQueries({ queryKey: buildKeys.detail(id), exact: true });
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
    },
  });
}
