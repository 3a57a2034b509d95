// The HTTP answer to an Undo of a conversation group change: 201 with the new entry, else the same
// error codes as a mark Undo (404, 409 CONFLICT, 502 UPSTREAM_ERROR).
import type { GroupAuditEntry } from '../../shared/api/groups';
import { HttpError } from '../http/errors';
import type { GroupRevertResult } from '../services/group-revert';
import type { Store } from '../store/database';
import { presentGroupEntry } from './groups';

export async function groupRevertAnswer(
  store: Store,
  result: GroupRevertResult,
  log: { info(o: object, m: string): void },
  staff: string,
  revertOf: string,
): Promise<GroupAuditEntry> {
  switch (result.status) {
    case 'not-found':
      throw new HttpError('NOT_FOUND', 'There is no such audit entry.');
    case 'not-undoable':
      throw new HttpError('CONFLICT', result.why);
    case 'already-undone':
      throw new HttpError('CONFLICT', 'This change has already been undone.', { details: { revertedBy: result.revertedBy } });
    case 'moved-on':
      throw new HttpError('CONFLICT', result.why);
    case 'failed': {
      const { message, upstreamCode } = result.entry;
      // Refused by Markdesk's own check (a Chat limit): a conflict with the state, not Chat failing.
      if (upstreamCode === undefined) throw new HttpError('CONFLICT', message ?? 'The change could not be undone.');
      throw new HttpError('UPSTREAM_ERROR', message ?? 'Chat did not apply the change.', { upstreamCode });
    }
    case 'applied':
      log.info({ event: 'sensitive_update', staff, chatUser: result.entry.chatUser, revertOf }, 'conversation group change undone');
      return presentGroupEntry(store, result.entry);
  }
}
