// "Why is it like this?" For each conversation, whether its marks were last changed through
// Markdesk (and by which entry) or elsewhere: by the person in the app, or by another server with
// the app's admin account.
//
// Chat keeps one Timestamp per conversation, refreshed by every mark or group change, whoever made
// it. Markdesk knows its own changes from the audit log. A conversation was last changed by
// Markdesk when (1) its newest applied Markdesk mark entry left exactly the marks Chat shows now,
// and (2) Chat's Timestamp is no later than Markdesk's newest change of it (marks or groups) plus a
// tolerance. Anything else was
// changed elsewhere after Markdesk, or never by Markdesk. The tolerance covers Chat's whole
// seconds and a clock difference between this server and Chat; a change made elsewhere within it
// that leaves the very same marks cannot be told apart, and is credited to Markdesk.
import type { ConversationEntry, LastChange } from '../../shared/api/chat-users';
import { conversationKey, type Conversation } from '../../shared/marks/conversation';
import type { Store } from '../store/database';
import { GROUP_ACTION_PREFIX } from '../store/group-audit';

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

type Newest = { marks: Map<string, Applied>; groups: Map<string, { id: string; staff: string | null; at: string }> };

/** The newest applied Markdesk mark entry, and group change, per conversation of one Chat user. */
async function newestApplied(store: Store, chatUser: string): Promise<Newest> {
  const rows = await store.read
    .selectFrom('audit as e')
    .leftJoin('audit as o', (join) => join.onRef('o.refers_to', '=', 'e.id').on('o.kind', '=', 'outcome'))
    .select(['e.id', 'e.staff', 'e.kind', 'e.at', 'e.status', 'e.after_json', 'e.conversation_type', 'e.conversation_id', 'e.action', 'e.details_json'])
    .select(['o.at as outcome_at', 'o.status as outcome_status', 'o.after_json as outcome_after_json', 'o.details_json as outcome_details_json'])
    .where('e.chat_user', '=', chatUser)
    .where('e.kind', 'in', ['intent', 'entry'])
    .orderBy('e.seq', 'desc')
    .limit(ENTRIES_READ)
    .execute();
  const newest: Newest = { marks: new Map(), groups: new Map() };
  for (const row of rows) {
    const status = row.kind === 'entry' ? row.status : row.outcome_status;
    if (status !== 'applied') continue;
    const at = (row.kind === 'entry' ? row.at : row.outcome_at) ?? row.at;
    if (row.action?.startsWith(GROUP_ACTION_PREFIX)) {
      // A group change Markdesk made refreshes Chat's Timestamp of each conversation it changed.
      for (const conversation of changedByGroupEntry(row.kind === 'entry' ? row.details_json : row.outcome_details_json)) {
        const key = conversationKey(conversation);
        if (!newest.groups.has(key)) newest.groups.set(key, { id: row.id, staff: row.staff, at });
      }
      continue;
    }
    if (row.conversation_type === null || row.conversation_id === null) continue;
    const key = conversationKey({ type: row.conversation_type, id: row.conversation_id });
    if (newest.marks.has(key)) continue;
    const state = markState(row.kind === 'entry' ? row.after_json : row.outcome_after_json);
    newest.marks.set(key, { id: row.id, staff: row.staff, at, bits: state?.bits ?? null, customMark: state?.customMark ?? null });
  }
  return newest;
}

function changedByGroupEntry(json: string | null): Conversation[] {
  if (json === null) return [];
  try {
    const details = JSON.parse(json) as { changed?: unknown };
    return Array.isArray(details.changed) ? (details.changed as Conversation[]) : [];
  } catch {
    return [];
  }
}

function sameMarks(entry: ConversationEntry, applied: Applied): boolean {
  if (applied.bits === null || applied.customMark === null) return false;
  const wrote = [...applied.bits].sort((a, b) => a - b);
  return applied.customMark === entry.customMark && wrote.length === entry.bits.length && wrote.every((bit, index) => bit === entry.bits[index]);
}

type GroupChange = { id: string; staff: string | null; at: string };

export function lastChangeOf(entry: ConversationEntry, applied: Applied | undefined, groupChange?: GroupChange): LastChange | undefined {
  if (entry.markUpdatedAt === null) {
    // Chat drops a conversation's row (and its Timestamp) once it has no marks and no groups. If
    // Markdesk last left marks on it, something else cleared them since.
    const markdeskLeftMarks = applied !== undefined && ((applied.bits?.length ?? 0) > 0 || (applied.customMark ?? '') !== '');
    return markdeskLeftMarks && !sameMarks(entry, applied) ? { source: 'elsewhere', afterEntryId: applied.id } : undefined;
  }
  // Markdesk's newest change of this conversation, of its marks or of its groups.
  const latest = [applied, groupChange].filter((change) => change !== undefined).sort((a, b) => b.at.localeCompare(a.at))[0];
  // The marks must be what Markdesk last wrote; with no mark entry, only a group change to vouch for.
  const marksAreMarkdesks = applied ? sameMarks(entry, applied) : groupChange !== undefined;
  if (latest && marksAreMarkdesks && Date.parse(entry.markUpdatedAt) <= Date.parse(latest.at) + LAST_CHANGE_TOLERANCE_MS) {
    return { source: 'markdesk', entryId: latest.id, at: latest.at, ...(latest.staff ? { staff: latest.staff } : {}) };
  }
  return latest ? { source: 'elsewhere', afterEntryId: latest.id } : { source: 'elsewhere' };
}

/** Sets `lastChange` on every conversation where it is known. */
export async function attributeLastChanges(store: Store, chatUser: string, conversations: ConversationEntry[]): Promise<void> {
  const newest = await newestApplied(store, chatUser);
  for (const entry of conversations) {
    const key = conversationKey(entry.conversation);
    const lastChange = lastChangeOf(entry, newest.marks.get(key), newest.groups.get(key));
    if (lastChange) entry.lastChange = lastChange;
  }
}
