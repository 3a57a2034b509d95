import { queryOptions } from '@tanstack/react-query';
import { staffListResponseSchema, type StaffListResponse } from '../../../../shared/api/staff';
import { apiRequest } from '../../../lib/api-client';
import { settingsKeys } from './keys';

/** GET /api/staff, ordered by username. */
export function getStaff(signal?: AbortSignal): Promise<StaffListResponse> {
  return apiRequest('/api/staff', { schema: staffListResponseSchema, signal });
}

export function staffQueryOptions() {
  return queryOptions({ queryKey: settingsKeys.staff(), queryFn: ({ signal }) => getStaff(signal) });
}
