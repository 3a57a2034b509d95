import { useQuery } from '@tanstack/react-query';
import { healthRoutes } from '../../../../shared/api/contracts/health';
import { readyResponseSchema, type ReadyResponse } from '../../../../shared/api/health';
import { fetchOrTakeEarly } from '../../../lib/early-requests';

/** How often the SPA asks; the server answers from its own background check, so this costs nothing upstream. */
export const READY_POLL_MS = 30_000;

/**
 * GET /api/ready. Its 503 is an answer (not ready, and why), not an error; anything unreadable,
 * or no answer at all, is treated as "don't know" and shows nothing.
 */
export async function getReady(signal?: AbortSignal): Promise<ReadyResponse | null> {
  try {
    // Not through callRoute: a 503 here is an answer to read, not an error to throw.
    const response = await fetchOrTakeEarly(healthRoutes.ready.path, { headers: { Accept: 'application/json' }, credentials: 'same-origin', ...(signal ? { signal } : {}) });
    if (response.status !== 200 && response.status !== 503) return null;
    const parsed = readyResponseSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return null;
  }
}

export function useReady() {
  return useQuery({ queryKey: ['health', 'ready'], queryFn: ({ signal }) => getReady(signal), refetchInterval: READY_POLL_MS, staleTime: READY_POLL_MS / 2 });
}
