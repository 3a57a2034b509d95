// Settles conversation group changes left 'unknown' (the process stopped between the intent and
// Chat's answer), like reconcile.ts does for marks: Chat is read back and the change counts as
// applied only when Chat shows it (group-policy.ts).
import { AUDIT_PAGE_MAX } from '../../shared/api/audit';
import type { Conversation } from '../../shared/marks/conversation';
import { groupByName, isMember, readGroupState, type GroupState } from '../chat/contact-groups';
import { isChatError } from '../chat/errors';
import { getGroupAuditEntry, queryGroupAudit, recordGroupOutcome, type GroupChangeRecord, type GroupChangeResult, type GroupEntryView } from '../store/group-audit';
import { cursorPages } from '../store/pages';
import { chatUserLocks } from './chat-user-locks';
import { groupChangeLanded } from './group-policy';
import type { GroupWriterDeps } from './group-writer';
import { CHAT_USER_NOT_IMPORTED } from './upstream-errors';

export type GroupReconcileReport = { applied: number; notApplied: number; left: number };

const LANDED = 'Confirmed from Chat after Markdesk stopped before the answer came: the change is there.';
const NOT_LANDED = 'Not applied: Markdesk stopped before Chat answered, and Chat does not show this change.';

async function recordOf(deps: GroupWriterDeps, entry: GroupEntryView): Promise<GroupChangeRecord> {
  const row = await deps.store.read.selectFrom('audit').select('requested_json').where('id', '=', entry.id).executeTakeFirstOrThrow();
  return JSON.parse(row.requested_json!) as GroupChangeRecord;
}

/** What Chat shows of a change: its result, or null when it did not land. */
export function settledFrom(record: GroupChangeRecord, state: GroupState): GroupChangeResult | null {
  const id = record.group.id;
  switch (record.action) {
    case 'create': {
      const group = groupByName(state, record.group.name);
      if (!group) return null;
      return { status: 'applied', groupId: group.id, changed: record.conversations.filter((c) => isMember(state, group.id, c)), failed: [], message: LANDED };
    }
    case 'rename':
    case 'delete': {
      if (id === null) return null;
      const change = record.action === 'rename' ? { action: 'rename' as const, groupId: id, newName: record.newName ?? '' } : { action: 'delete' as const, groupId: id };
      if (!groupChangeLanded(change, state)) return null;
      return { status: 'applied', groupId: id, changed: record.action === 'delete' ? record.conversations : [], failed: [], message: LANDED };
    }
    case 'add':
    case 'remove': {
      if (id === null) return null;
      const sent: Conversation[] = record.sending ?? record.conversations;
      const changed = sent.filter((c) => isMember(state, id, c) === (record.action === 'add'));
      return changed.length > 0 ? { status: 'applied', groupId: id, changed, failed: [], message: LANDED } : null;
    }
  }
}

export async function reconcileGroupEntries(deps: GroupWriterDeps, log?: { warn(o: Record<string, unknown>, m: string): void }): Promise<GroupReconcileReport> {
  const report: GroupReconcileReport = { applied: 0, notApplied: 0, left: 0 };
  const byUser = new Map<string, GroupEntryView[]>();
  const pages = cursorPages((cursor) => queryGroupAudit(deps.store.read, { unknownOnly: true, limit: AUDIT_PAGE_MAX, ...(cursor ? { cursor } : {}) }));
  for await (const page of pages) for (const entry of page) byUser.set(entry.chatUser, [...(byUser.get(entry.chatUser) ?? []), entry]);
  for (const [chatUser, candidates] of byUser) {
    await chatUserLocks(deps.store).exclusive(chatUser, async () => {
      const entries: GroupEntryView[] = [];
      for (const entry of candidates) if ((await getGroupAuditEntry(deps.store.read, entry.id))?.status === 'unknown') entries.push(entry);
      if (entries.length === 0) return;
      let state: GroupState;
      try {
        state = await readGroupState(deps.chat, chatUser);
      } catch (error) {
        if (!isChatError(error)) throw error;
        if (error.code !== CHAT_USER_NOT_IMPORTED) {
          report.left += entries.length;
          log?.warn({ event: 'audit_reconcile_deferred', chatUser, entries: entries.length, upstreamCode: error.code }, 'unknown group changes not settled yet: Chat could not be read');
          return;
        }
        state = { groups: [], memberships: new Map(), complete: true };
      }
      // Oldest first: a later change of the same group was decided on what the earlier one left.
      for (const entry of [...entries].reverse()) {
        const result = settledFrom(await recordOf(deps, entry), state);
        if (result) report.applied++;
        else report.notApplied++;
        await recordGroupOutcome(deps.store, entry.id, result ?? { status: 'failed', changed: [], failed: [], message: NOT_LANDED }, deps.clock);
      }
    });
  }
  return report;
}
