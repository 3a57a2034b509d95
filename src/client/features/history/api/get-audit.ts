import { infiniteQueryOptions } from '@tanstack/react-query';
import { AUDIT_PAGE_DEFAULT, auditListResponseSchema, type AuditListResponse } from '../../../../shared/api/audit';
import { auditRoutes } from '../../../../shared/api/contracts/audit';
import { callRoute } from '../../../lib/call-route';
import { FRESH_POLL_MS } from '../../../lib/fresh-data';
import { auditQueryOf, type HistoryFilters } from '../../../entities/audit/model/filters';
import { historyKeys } from './keys';

/** GET /api/audit: one page of entries, newest first, and the cursor of the next page (null on the last). */
export function getAuditPage(filters: HistoryFilters, page: { limit: number; cursor: string | null }, signal?: AbortSignal): Promise<AuditListResponse> {
  return callRoute(auditRoutes.list, {
    query: { ...auditQueryOf(filters), limit: page.limit, ...(page.cursor ? { cursor: page.cursor } : {}) },
    // The mark entries only: this page never asks for kind=admin.
    schema: auditListResponseSchema,
    signal,
  });
}

/** Cursor paging: each "Load more" fetches the page after the last one loaded. */
export function auditEntriesQueryOptions(filters: HistoryFilters, pageSize: number = AUDIT_PAGE_DEFAULT) {
  return infiniteQueryOptions({
    queryKey: historyKeys.list(filters, pageSize),
    queryFn: ({ pageParam, signal }) => getAuditPage(filters, { limit: pageSize, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (lastPage) => lastPage.nextCursor,
    // The log grows with every change anyone makes: show what is there now when the page opens.
    staleTime: 0,
    // Others' changes appear within seconds (lib/fresh-data.ts).
    refetchInterval: FRESH_POLL_MS,
  });
}
