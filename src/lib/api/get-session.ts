import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { roleAtLeast, sessionInfoSchema, type Role, type SessionInfo } from '@/spec/access-api';

export async function getSession(signal?: AbortSignal): Promise<SessionInfo> {
  return sessionInfoSchema.parse(await apiRequest<unknown>('/api/session', { signal }));
}

export const sessionQueryKey = ['session'] as const;

export const sessionQueryOptions = () =>
  queryOptions({
    queryKey: sessionQueryKey,
    queryFn: ({ signal }) => getSession(signal),
    // who is signed in changes only by signing in or out, which reloads the page or invalidates this
    staleTime: 5 * 60_000,
  });

export const useSession = () => useQuery(sessionQueryOptions());

/**
 * Whether the caller has at least `role`. Unknown while the session loads: callers treat
 * that as allowed, so the loopback default (every caller is admin) never flickers; the
 * server decides in any case.
 */
export function useHasRole(role: Role): boolean | undefined {
  const { data } = useSession();
  if (!data) return undefined;
  if (!data.authRequired) return true;
  return data.user ? roleAtLeast(data.user.role, role) : false;
}
