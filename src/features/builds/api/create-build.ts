import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { createBuildResponseSchema, type CreateBuildResponse } from '@/spec/build-api';
import type { NodeImage } from '@/spec/schema';
import { buildKeys } from '@/lib/api/build-query-keys';

export interface CreateBuildInput {
  /** The spec, or the draft's YAML text exactly as the user sees it (the server parses it with the same schema). */
  spec: NodeImage | string;
  /** Build again even when an identical spec already has a finished build. */
  force?: boolean;
}

export async function createBuild({ spec, force }: CreateBuildInput): Promise<CreateBuildResponse> {
  const path = force ? '/api/builds?force=true' : '/api/builds';
  const body = typeof spec === 'string' ? { text: spec, contentType: 'application/yaml' } : { json: spec as unknown as Record<string, unknown> };
  return createBuildResponseSchema.parse(await apiRequest<unknown>(path, { method: 'POST', ...body }));
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
