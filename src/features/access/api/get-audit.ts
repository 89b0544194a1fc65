import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { auditPageSchema, type AuditPage } from '@/spec/access-api';

export async function getAuditPage(before: number | undefined, signal?: AbortSignal): Promise<AuditPage> {
  const query = before === undefined ? '' : `?before=${before}`;
  return auditPageSchema.parse(await apiRequest<unknown>(`/api/audit${query}`, { signal }));
}

export const auditQueryOptions = (before?: number) =>
  queryOptions({
    queryKey: ['audit', before ?? 'newest'] as const,
    queryFn: ({ signal }) => getAuditPage(before, signal),
  });

export const useAuditPage = (before?: number) => useQuery(auditQueryOptions(before));
