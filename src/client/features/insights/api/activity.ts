import { queryOptions } from '@tanstack/react-query';
import { insightsRoutes } from '../../../../shared/api/contracts/insights';
import { callRoute } from '../../../lib/call-route';
import { insightsKeys } from './keys';

/** GET /api/audit/activity?from=&to=&by=day (UTC days). */
export function activityQueryOptions(from: string, to: string) {
  return queryOptions({
    queryKey: insightsKeys.activity(from, to),
    queryFn: ({ signal }) => callRoute(insightsRoutes.activity, { query: { from, to, by: 'day' }, signal }),
  });
}
