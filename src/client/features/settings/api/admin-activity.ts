import { infiniteQueryOptions } from '@tanstack/react-query';
import { adminActivityListResponseSchema, type AdminAction, type AdminActivityListResponse } from '../../../../shared/api/admin-activity';
import type { AuditQueryInput } from '../../../../shared/api/audit';
import { auditRoutes } from '../../../../shared/api/contracts/audit';
import { callRoute, routeUrl } from '../../../lib/call-route';
import { settingsKeys } from './keys';

/** What the Admin activity filters hold: text as typed, dates as YYYY-MM-DD (local days). */
export type AdminActivityFilters = { staff: string; action: AdminAction | ''; from: string; to: string };
export const EMPTY_ACTIVITY_FILTERS: AdminActivityFilters = { staff: '', action: '', from: '', to: '' };

const PAGE_SIZE = 100;

function localMidnight(day: string, addDays = 0): string {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + addDays);
  return date.toISOString();
}

/** `kind=admin&staff=…&from=…`: "until" is inclusive on screen, so it becomes the next local midnight. */
export function adminActivityQuery(filters: AdminActivityFilters, cursor?: string | null): AuditQueryInput {
  const query: AuditQueryInput = { kind: 'admin' };
  if (filters.staff.trim() !== '') query.staff = filters.staff.trim();
  if (filters.action !== '') query.action = filters.action;
  if (filters.from !== '') query.from = localMidnight(filters.from);
  if (filters.to !== '') query.to = localMidnight(filters.to, 1);
  if (cursor) query.cursor = cursor;
  return query;
}

/** GET /api/audit?kind=admin: one page of admin activity, newest first. */
export function getAdminActivity(filters: AdminActivityFilters, cursor: string | null, signal?: AbortSignal): Promise<AdminActivityListResponse> {
  return callRoute(auditRoutes.list, { query: { ...adminActivityQuery(filters, cursor), limit: PAGE_SIZE }, schema: adminActivityListResponseSchema, signal });
}

export function adminActivityQueryOptions(filters: AdminActivityFilters) {
  return infiniteQueryOptions({
    queryKey: [...settingsKeys.adminActivity(), filters],
    queryFn: ({ pageParam, signal }) => getAdminActivity(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    staleTime: 0,
  });
}

/** The CSV export of everything the filters match (not only the pages loaded). */
export function adminActivityExportHref(filters: AdminActivityFilters): string {
  return routeUrl(auditRoutes.export, { query: adminActivityQuery(filters) });
}
