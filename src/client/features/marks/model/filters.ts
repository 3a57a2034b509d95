// The list's filters live in the address bar (`?user=…&type=group&bit=32&group=3&q=text`) so a link can be shared.
// `group` is one of the Chat user's conversation groups, by its id (ids are per user, like the user in the link).
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { isValidBitIndex } from '../../../../shared/marks/bits';
import type { ConversationType } from '../../../../shared/marks/conversation';

export type ConversationFilters = { q: string; type: ConversationType | null; bit: number | null; group: number | null };

export type MarksLocation = ConversationFilters & { user: string | null };

export function parseMarksLocation(params: URLSearchParams): MarksLocation {
  const user = params.get('user')?.trim() || null;
  const type = params.get('type');
  const bitText = params.get('bit');
  const bit = bitText !== null && /^\d{1,2}$/.test(bitText) ? Number(bitText) : null;
  const groupText = params.get('group');
  return {
    user,
    q: params.get('q') ?? '',
    type: type === 'c2c' || type === 'group' ? type : null,
    bit: bit !== null && isValidBitIndex(bit) ? bit : null,
    group: groupText !== null && /^[1-9]\d{0,9}$/.test(groupText) ? Number(groupText) : null,
  };
}

/** Empty filters are left out, so a plain `/marks?user=x` stays short. */
export function marksSearchParams(location: MarksLocation): URLSearchParams {
  const params = new URLSearchParams();
  if (location.user) params.set('user', location.user);
  if (location.type) params.set('type', location.type);
  if (location.bit !== null) params.set('bit', String(location.bit));
  if (location.group !== null) params.set('group', String(location.group));
  if (location.q !== '') params.set('q', location.q);
  return params;
}

export function matchesFilters(entry: ConversationEntry, filters: ConversationFilters): boolean {
  if (filters.type !== null && entry.conversation.type !== filters.type) return false;
  if (filters.bit !== null && !entry.bits.includes(filters.bit)) return false;
  if (filters.group !== null && !entry.groupIds.includes(filters.group)) return false;
  const needle = filters.q.trim().toLocaleLowerCase();
  if (needle === '') return true;
  return [entry.conversation.id, entry.name ?? '', entry.customMark].some((text) => text.toLocaleLowerCase().includes(needle));
}
