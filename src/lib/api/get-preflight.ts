import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { preflightResponseSchema, type PreflightResponse } from '@/spec/preflight-api';
import type { NodeImage } from '@/spec/schema';

/** `skipHosts`: hosts the user vouches for (`skipPreflight`); their sources come back as skipped. */
export async function getPreflight(spec: NodeImage, skipHosts: readonly string[], signal?: AbortSignal): Promise<PreflightResponse> {
  const query = skipHosts.length > 0 ? `?skipPreflight=${encodeURIComponent(skipHosts.join(','))}` : '';
  return preflightResponseSchema.parse(
    await apiRequest<unknown>(`/api/preflight${query}`, { method: 'POST', json: spec as unknown as Record<string, unknown>, signal }),
  );
}

export const preflightQueryOptions = (spec: NodeImage, skipHosts: readonly string[]) =>
  queryOptions({
    // keyed by the spec itself: any edit asks the server again
    queryKey: ['preflight', JSON.stringify(spec), skipHosts.join(',')] as const,
    queryFn: ({ signal }) => getPreflight(spec, skipHosts, signal),
    // a source's reachability changes without the spec changing; a minute is fresh enough for a review
    staleTime: 60_000,
    retry: false,
  });

/** The Review step's source list and its Build button both read this one query. */
export const usePreflight = (spec: NodeImage, enabled: boolean, skipHosts: readonly string[]) =>
  useQuery({ ...preflightQueryOptions(spec, skipHosts), enabled });
