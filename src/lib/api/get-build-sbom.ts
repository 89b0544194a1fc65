import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '@/lib/api-client';
import { sbomPackageSchema, type SbomPackage } from '@/spec/build-api';
import { buildKeys } from './build-query-keys';

export async function getBuildSbom(id: string, signal?: AbortSignal): Promise<SbomPackage[]> {
  return z.array(sbomPackageSchema).parse(await apiRequest<unknown>(`/api/builds/${encodeURIComponent(id)}/sbom`, { signal }));
}

export const buildSbomQueryOptions = (id: string) =>
  queryOptions({
    queryKey: buildKeys.sbom(id),
    queryFn: ({ signal }) => getBuildSbom(id, signal),
    // only asked for finished builds, whose package list never changes
    staleTime: Infinity,
    gcTime: 10 * 60_000,
  });

export const useBuildSbom = (id: string, enabled = true) => useQuery({ ...buildSbomQueryOptions(id), enabled });
