import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { signingKeyResponseSchema, type SigningKeyResponse } from '@/spec/interop/interop-api';

export async function getSigningKey(): Promise<SigningKeyResponse> {
  return signingKeyResponseSchema.parse(await apiRequest<unknown>('/api/signing/public-key'));
}

export const signingKeyQueryOptions = () =>
  queryOptions({
    queryKey: ['signing', 'public-key'] as const,
    queryFn: getSigningKey,
    // The server's signing key is made once and never rotates while it runs.
    staleTime: Infinity,
  });

export function useSigningKey() {
  return useQuery(signingKeyQueryOptions());
}
