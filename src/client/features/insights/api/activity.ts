import { queryOptions } from '@tanstack/react-query';
import { activityResponseSchema } from '../../../../shared/api/insights';
import { apiRequest } from '../../../lib/api-client';
import { insightsKeys } from './keys';

/** GET /api/audit/activity?from=&to=&by=day (UTC days). */
export function activityQueryOptions(from: string, to: string) {
  return queryOptions({
    queryKey: insightsKeys.activity(from, to),
    queryFn: ({ signal }) =>
      apiRequest(`/api/audit/activity?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&by=day`, { schema: activityResponseSchema, signal }),
  });
}
