import { queryOptions, useQuery } from '@tanstack/react-query';
import { healthRoutes } from '../../../../shared/api/contracts/health';
import type { HealthResponse } from '../../../../shared/api/health';
import { callRoute } from '../../../lib/call-route';

export const healthKeys = {
  all: ['health'] as const,
};

/** GET /api/health: sandbox or live, and which Chat app, for the top bar. */
export function getHealth(signal?: AbortSignal): Promise<HealthResponse> {
  return callRoute(healthRoutes.health, { signal });
}

export function healthQueryOptions() {
  return queryOptions({
    queryKey: healthKeys.all,
    queryFn: ({ signal }) => getHealth(signal),
    staleTime: 10 * 60_000,
  });
}

export function useHealth() {
  return useQuery(healthQueryOptions());
}
