import { useMutation, useQueryClient } from '@tanstack/react-query';
import { labelRoutes } from '../../../../shared/api/contracts/labels';
import { labelsConflictDetailsSchema, type LabelsConflictDetails, type LabelMap } from '../../../../shared/api/labels';
import { isApiError } from '../../../lib/api-error';
import { callRouteWithHeaders } from '../../../lib/call-route';
import type { MarkLabelsVersion } from '../../../entities/marks/api/get-mark-labels';
import { marksKeys } from '../../../entities/marks/api/keys';

export type SaveLabelsRequest = { labels: LabelMap; /** The ETag of the version the edits are based on. */ etag: string | null };

/**
 * PUT /api/mark-labels: replaces the names of bits 32–63 (a bit left out loses its name), only if
 * they are still the version `etag` names. Otherwise the server answers 412 PRECONDITION_FAILED
 * with the labels as they are now (see labelsConflict).
 */
export async function putMarkLabels(request: SaveLabelsRequest): Promise<MarkLabelsVersion> {
  const { data, headers } = await callRouteWithHeaders(labelRoutes.put, {
    body: { labels: request.labels },
    // Without a tag the server refuses (428): a save never silently overwrites an unknown version.
    headers: request.etag === null ? {} : { 'If-Match': request.etag },
  });
  return { ...data, etag: headers.get('ETag') };
}

/** The current labels a 412 carries, or null when the error is anything else. */
export function labelsConflict(error: unknown): LabelsConflictDetails | null {
  if (!isApiError(error) || error.code !== 'PRECONDITION_FAILED') return null;
  const details = labelsConflictDetailsSchema.safeParse(error.details);
  return details.success ? details.data : null;
}

export function useSaveMarkLabels() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: putMarkLabels,
    onSuccess: async (saved) => {
      // The editor's checkbox names, chips and History read these labels: show the new ones everywhere.
      queryClient.setQueryData(marksKeys.labels(), saved);
      await queryClient.invalidateQueries({ queryKey: marksKeys.labels() });
    },
    onError: (error) => {
      // Someone else saved first: every page may show their labels now, and Settings sees the new version.
      const current = labelsConflict(error);
      if (current) queryClient.setQueryData(marksKeys.labels(), current satisfies MarkLabelsVersion);
    },
  });
}
