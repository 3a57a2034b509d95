import { queryOptions } from '@tanstack/react-query';
import { staffRoutes } from '../../../../shared/api/contracts/staff';
import type { StaffListResponse } from '../../../../shared/api/staff';
import { callRoute } from '../../../lib/call-route';
import { settingsKeys } from './keys';

/** GET /api/staff, ordered by username. */
export function getStaff(signal?: AbortSignal): Promise<StaffListResponse> {
  return callRoute(staffRoutes.list, { signal });
}

export function staffQueryOptions() {
  return queryOptions({ queryKey: settingsKeys.staff(), queryFn: ({ signal }) => getStaff(signal) });
}
