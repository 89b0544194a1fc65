import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { sha256SumResponseSchema, type Sha256SumResponse } from '@/spec/checksum-api';

/** The server reads the checksum file: the browser could not (another origin), and the build host is what must reach it. */
export async function getSha256Sum(url: string): Promise<Sha256SumResponse> {
  return sha256SumResponseSchema.parse(await apiRequest<unknown>(`/api/sources/sha256sum?url=${encodeURIComponent(url)}`));
}

/** A mutation rather than a query: it runs when the user asks, and its answer is written into the draft. */
export function useSha256Sum() {
  return useMutation({ mutationFn: getSha256Sum, retry: false });
}
