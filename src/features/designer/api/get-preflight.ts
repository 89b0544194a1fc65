import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { preflightResponseSchema, type PreflightResponse } from '@/spec/preflight-api';
import type { NodeImage } from '@/spec/schema';

export async function getPreflight(spec: NodeImage, signal?: AbortSignal): Promise<PreflightResponse> {
  return preflightResponseSchema.parse(
    await apiRequest<unknown>('/api/preflight', { method: 'POST', json: spec as unknown as Record<string, unknown>, signal }),
  );
}

export const preflightQueryOptions = (spec: NodeImage) =>
  queryOptions({
    // keyed by the spec itself: any edit asks the server again
    queryKey: ['preflight', JSON.stringify(spec)] as const,
    queryFn: ({ signal }) => getPreflight(spec, signal),
    // a source's reachability changes without the spec changing; a minute is fresh enough for a review
    staleTime: 60_000,
    retry: false,
  });

export const usePreflight = (spec: NodeImage, enabled: boolean) => useQuery({ ...preflightQueryOptions(spec), enabled });
