import { useMutation, useQueryClient } from '@tanstack/react-query';
import { revertConflictDetailsSchema, revertResponseSchema, type AuditEntry, type RevertConflictDetails, type RevertRequest } from '../../../../shared/api/audit';
import { auditRoutes } from '../../../../shared/api/contracts/audit';
import { callRoute } from '../../../lib/call-route';
import { isApiError } from '../../../lib/api-error';
import { marksKeys } from '../../../entities/marks/api/keys';
import { historyKeys } from './keys';

/** POST /api/audit/:id/revert → the new entry; 409 CONFLICT when the conversation moved on since. */
export function revertAuditEntry(id: string, request: RevertRequest): Promise<AuditEntry> {
  return callRoute(auditRoutes.revert, { params: { id }, body: request, schema: revertResponseSchema });
}

/** The conversation's state as the 409 reports it, when the failure is that conflict. */
export function revertConflictOf(error: unknown): RevertConflictDetails | null {
  if (!isApiError(error) || error.status !== 409) return null;
  const details = revertConflictDetailsSchema.safeParse(error.details);
  return details.success ? details.data : null;
}

export function useRevertAuditEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ entry, reason }: { entry: AuditEntry; reason: string }) => revertAuditEntry(entry.id, reason === '' ? {} : { reason }),
    // Success adds an entry; a conflict means the conversation changed: either way the lists are stale.
    onSettled: (_data, _error, { entry }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: historyKeys.all }),
        queryClient.invalidateQueries({ queryKey: marksKeys.conversations(entry.chatUser) }),
      ]),
  });
}
