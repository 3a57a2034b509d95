// "Why is it like this?" For each conversation, whether its marks were last changed through
// Markdesk (and by which entry) or elsewhere: by the person in the app, or by another server with
// the app's admin account.
//
// Chat keeps one Timestamp per conversation, refreshed by every mark or group change, whoever made
// it. Markdesk knows its own changes from the audit log. A conversation was last changed by
// Markdesk when (1) its newest applied Markdesk entry left exactly the marks Chat shows now, and
// (2) Chat's Timestamp is no later than that entry's answer plus a tolerance. Anything else was
// changed elsewhere after Markdesk, or never by Markdesk. The tolerance covers Chat's whole
// seconds and a clock difference between this server and Chat; a change made elsewhere within it
// that leaves the very same marks cannot be told apart, and is credited to Markdesk.
import type { ConversationEntry, LastChange } from '../../shared/api/chat-users';
import { conversationKey } from '../../shared/marks/conversation';
import type { Store } from '../store/database';

export const LAST_CHANGE_TOLERANCE_MS = 30_000;
/** How far back one user's audit log is read: enough for any realistic user, bounded for a huge one. */
const ENTRIES_READ = 20_000;

type Applied = { id: string; staff: string | null; at: string; bits: number[] | null; customMark: string | null };

function markState(json: string | null): { bits: number[]; customMark: string } | null {
  if (json === null) return null;
  try {
    const state = JSON.parse(json) as { bits?: unknown; customMark?: unknown };
    if (!Array.isArray(state.bits) || typeof state.customMark !== 'string') return null;
    return { bits: state.bits as number[], customMark: state.customMark };
  } catch {
    return null;
  }
}

/** The newest applied Markdesk entry per conversation of one Chat user. */
async function newestApplied(store: Store, chatUser: string): Promise<Map<string, Applied>> {
  const rows = await store.db
    .selectFrom('audit as e')
    .leftJoin('audit as o', (join) => join.onRef('o.refers_to', '=', 'e.id').on('o.kind', '=', 'outcome'))
    .select(['e.id', 'e.staff', 'e.kind', 'e.at', 'e.status', 'e.after_json', 'e.conversation_type', 'e.conversation_id'])
    .select(['o.at as outcome_at', 'o.status as outcome_status', 'o.after_json as outcome_after_json'])
    .where('e.chat_user', '=', chatUser)
    .where('e.kind', 'in', ['intent', 'entry'])
    .orderBy('e.seq', 'desc')
    .limit(ENTRIES_READ)
    .execute();
  const newest = new Map<string, Applied>();
  for (const row of rows) {
    if (row.conversation_type === null || row.conversation_id === null) continue;
    const key = conversationKey({ type: row.conversation_type, id: row.conversation_id });
    if (newest.has(key)) continue;
    const status = row.kind === 'entry' ? row.status : row.outcome_status;
    if (status !== 'applied') continue;
    const state = markState(row.kind === 'entry' ? row.after_json : row.outcome_after_json);
    newest.set(key, {
      id: row.id,
      staff: row.staff,
      at: (row.kind === 'entry' ? row.at : row.outcome_at) ?? row.at,
      bits: state?.bits ?? null,
      customMark: state?.customMark ?? null,
    });
  }
  return newest;
}

function sameMarks(entry: ConversationEntry, applied: Applied): boolean {
  if (applied.bits === null || applied.customMark === null) return false;
  const wrote = [...applied.bits].sort((a, b) => a - b);
  return applied.customMark === entry.customMark && wrote.length === entry.bits.length && wrote.every((bit, index) => bit === entry.bits[index]);
}

export function lastChangeOf(entry: ConversationEntry, applied: Applied | undefined): LastChange | undefined {
  if (entry.markUpdatedAt === null) {
    // Chat drops a conversation's row (and its Timestamp) once it has no marks and no groups. If
    // Markdesk last left marks on it, something else cleared them since.
    const markdeskLeftMarks = applied !== undefined && ((applied.bits?.length ?? 0) > 0 || (applied.customMark ?? '') !== '');
    return markdeskLeftMarks && !sameMarks(entry, applied) ? { source: 'elsewhere', afterEntryId: applied.id } : undefined;
  }
  if (applied && sameMarks(entry, applied) && Date.parse(entry.markUpdatedAt) <= Date.parse(applied.at) + LAST_CHANGE_TOLERANCE_MS) {
    return { source: 'markdesk', entryId: applied.id, at: applied.at, ...(applied.staff ? { staff: applied.staff } : {}) };
  }
  return applied ? { source: 'elsewhere', afterEntryId: applied.id } : { source: 'elsewhere' };
}

/** Sets `lastChange` on every conversation where it is known. */
export async function attributeLastChanges(store: Store, chatUser: string, conversations: ConversationEntry[]): Promise<void> {
  const newest = await newestApplied(store, chatUser);
  for (const entry of conversations) {
    const lastChange = lastChangeOf(entry, newest.get(conversationKey(entry.conversation)));
    if (lastChange) entry.lastChange = lastChange;
  }
}
