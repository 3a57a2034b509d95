import { queryOptions } from '@tanstack/react-query';
import { labelRoutes } from '../../../../shared/api/contracts/labels';
import type { LabelsResponse } from '../../../../shared/api/labels';
import { callRouteWithHeaders } from '../../../lib/call-route';
import { FRESH_POLL_MS, REFETCH_ON_RETURN } from '../../../lib/fresh-data';
import { marksKeys } from './keys';

/** The labels with the ETag of their version (what a save must send back in If-Match); null if none came. */
export type MarkLabelsVersion = LabelsResponse & { etag: string | null };

/** GET /api/mark-labels → names admins gave bits 32–63, who changed them last, and their ETag. */
export async function getMarkLabels(signal?: AbortSignal): Promise<MarkLabelsVersion> {
  const { data, headers } = await callRouteWithHeaders(labelRoutes.get, { signal });
  return { ...data, etag: headers.get('ETag') };
}

/** How long another admin's new names may take to show in an open tab: on focus, and at least this often. */
export const LABELS_REFRESH_MS = FRESH_POLL_MS;

export function markLabelsQueryOptions() {
  return queryOptions({
    queryKey: marksKeys.labels(),
    queryFn: ({ signal }) => getMarkLabels(signal),
    staleTime: LABELS_REFRESH_MS,
    refetchInterval: LABELS_REFRESH_MS,
    refetchOnWindowFocus: REFETCH_ON_RETURN,
  });
}
