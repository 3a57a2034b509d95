import { QueryClient } from '@tanstack/react-query';
import { isApiError } from './api-error';

const MAX_RETRIES = 2;

/** Retry only what may go away by itself: the network, 502/503. Never 4xx: asking again changes nothing. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_RETRIES) return false;
  if (!isApiError(error)) return false;
  return error.status === 0 || error.status === 502 || error.status === 503;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetry,
        // Coming back to the tab shows what changed meanwhile; the data on screen stays while it loads.
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
