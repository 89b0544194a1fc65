import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { createBuildResponseSchema, type CreateBuildResponse } from '@/spec/build-api';
import type { NodeImage } from '@/spec/schema';
import { buildKeys } from '@/lib/api/build-query-keys';

export interface CreateBuildInput {
  spec: NodeImage;
  /** Build again even when an identical spec already has a finished build. */
  force?: boolean;
}

export async function createBuild({ spec, force }: CreateBuildInput): Promise<CreateBuildResponse> {
  const path = force ? '/api/builds?force=true' : '/api/builds';
  return createBuildResponseSchema.parse(await apiRequest<unknown>(path, { method: 'POST', json: spec as unknown as Record<string, unknown> }));
}

export function useCreateBuild() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createBuild,
    onSuccess: (response) => {
      queryClient.setQueryData(buildKeys.detail(response.build.id), response.build);
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
    },
  });
}
