import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { createBuildResponseSchema, type CreateBuildResponse } from '@/spec/build-api';
import { buildKeys } from '@/lib/api/build-query-keys';

/** Retry answers like create: the new (or reused) build. */
export async function retryBuild(id: string): Promise<CreateBuildResponse> {
  const data = await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}/retry`, { method: 'POST' });
  const parsed = createBuildResponseSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  // tolerate a bare BuildDetail answer
  return createBuildResponseSchema.parse({ build: data, reused: false });
}

export function useRetryBuild(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => retryBuild(id),
    onSuccess: (response) => {
      queryClient.setQueryData(buildKeys.detail(response.build.id), response.build);
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
    },
  });
}
