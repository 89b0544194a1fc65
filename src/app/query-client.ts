import { QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from '@/lib/api-client';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change on retry; a network blip or 5xx might.
        retry: (failures, error) => !(error instanceof ApiRequestError && error.status < 500) && failures < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}
