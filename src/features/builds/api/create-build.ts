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
  /** When the identical spec's build was made from sources that have moved on, build its successor. */
  successor?: boolean;
  /** Hosts the user vouches for: the server does not hold their failed checks against the spec. */
  skipPreflight?: readonly string[];
}

export async function createBuild({ spec, force, successor, skipPreflight = [] }: CreateBuildInput): Promise<CreateBuildResponse> {
  const query = new URLSearchParams();
  if (force) query.set('force', 'true');
  if (successor) query.set('successor', 'true');
  if (skipPreflight.length > 0) query.set('skipPreflight', skipPreflight.join(','));
  const path = query.size > 0 ? `/api/builds?${query.toString()}` : '/api/builds';
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
