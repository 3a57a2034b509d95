// Undo of one applied audit entry: a compensating write of the inverse delta, through the one write
// path. Everything that decides whether the Undo may happen — "already undone?", "still in the
// state the entry left?" — is checked while holding the Chat user's lock alone, just before the
// write, so of two Undos of one entry one wins, and an Undo racing another write cannot wipe it.
import { defaultUndoReason } from '../../shared/api/audit';
import type { MarkResult } from '../../shared/api/marks';
import { inverseChange, sameMarkState, type MarkState } from '../../shared/marks/change';
import { conversationKey } from '../../shared/marks/conversation';
import type { AuditStatus } from '../../shared/api/audit';
import { getAuditEntry, queryAudit } from '../store/audit-query';
import type { Reader } from '../store/database';
import { chatUserLocks } from './chat-user-locks';
import { EMPTY_MARK_STATE, readMarkStates, writeMarksLocked, type MarkWriterDeps } from './mark-writer';

export type RevertContext = { staff: string; requestId: string; reason?: string };

export type RevertResult =
  | { status: 'applied'; auditId: string }
  | { status: 'not-found' }
  /** Only an applied change can be undone. */
  | { status: 'not-undoable'; entryStatus: AuditStatus }
  | { status: 'already-undone'; revertedBy: string }
  /** The conversation is no longer in the entry's after state (or changed during the Undo). */
  | { status: 'moved-on'; current: MarkState }
  | { status: 'failed'; result: Extract<MarkResult, { status: 'failed' }> };

/** The id of the applied entry that undid `entryId`, if any. */
export async function revertedBy(db: Reader, entryId: string): Promise<string | undefined> {
  return (await queryAudit(db, { revertOf: entryId, status: 'applied', limit: 1 })).entries[0]?.id;
}

/** Undoes an applied entry. Throws a Chat error when the current state cannot be read. */
export async function revertEntry(deps: MarkWriterDeps, context: RevertContext, entryId: string): Promise<RevertResult> {
  const entry = await getAuditEntry(deps.store.read, entryId);
  if (!entry) return { status: 'not-found' };
  const { before, after } = entry;
  if (entry.status !== 'applied' || !before || !after) return { status: 'not-undoable', entryStatus: entry.status };

  return chatUserLocks(deps.store).exclusive(entry.chatUser, async (): Promise<RevertResult> => {
    const undoneBy = await revertedBy(deps.store.read, entry.id);
    if (undoneBy) return { status: 'already-undone', revertedBy: undoneBy };
    // Undo only from the state this entry left behind: anything else would overwrite a later change.
    const states = await readMarkStates(deps.chat, entry.chatUser, [entry.conversation]);
    const current = states.get(conversationKey(entry.conversation)) ?? EMPTY_MARK_STATE;
    if (!sameMarkState(current, after)) return { status: 'moved-on', current };
    const [result] = await writeMarksLocked(
      deps,
      { staff: context.staff, chatUser: entry.chatUser, requestId: context.requestId, reason: context.reason ?? defaultUndoReason(entry.reason, entry.id), revertOf: entry.id },
      [{ conversation: entry.conversation, change: inverseChange(before, entry.requested), expectedCustomMark: after.customMark }],
      states,
    );
    if (!result) throw new Error('The write path returned no result for the Undo.');
    if (result.status === 'applied') return { status: 'applied', auditId: result.auditId };
    if (result.status === 'failed') return { status: 'failed', result };
    return { status: 'moved-on', current: result.before ?? current };
  });
}
