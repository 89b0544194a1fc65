import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '@/lib/api-client';
import { accessTokenSchema, createdAccessTokenSchema, type Role } from '@/spec/access-api';

const tokenListSchema = z.array(accessTokenSchema);

export const accessTokensQueryOptions = () =>
  queryOptions({
    queryKey: ['access-tokens'] as const,
    queryFn: async ({ signal }) => tokenListSchema.parse(await apiRequest<unknown>('/api/tokens', { signal })),
  });

export const useAccessTokens = () => useQuery(accessTokensQueryOptions());

export function useCreateAccessToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; subject?: string; role: Role }) =>
      createdAccessTokenSchema.parse(await apiRequest<unknown>('/api/tokens', { method: 'POST', json: input })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accessTokensQueryOptions().queryKey }),
  });
}

export function useRevokeAccessToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => accessTokenSchema.parse(await apiRequest<unknown>(`/api/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: accessTokensQueryOptions().queryKey }),
  });
}
