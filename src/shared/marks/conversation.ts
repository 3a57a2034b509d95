// Markdesk's conversation identity and Tencent's ContactItem spelling of it
// (`To_Account` for C2C, `ToGroupId` with a capital I for groups).

export const CONVERSATION_TYPES = ['c2c', 'group'] as const;
export type ConversationType = (typeof CONVERSATION_TYPES)[number];

export type Conversation = { type: ConversationType; id: string };

export type ContactItem = { Type: 1; To_Account: string } | { Type: 2; ToGroupId: string };

export const CONTACT_TYPE_C2C = 1;
export const CONTACT_TYPE_GROUP = 2;

/** A stable string key, e.g. `c2c:user1` or `group:@TGS#2ABC`; usable in Maps, React keys, URLs (after encoding). */
export function conversationKey(conversation: Conversation): string {
  return `${conversation.type}:${conversation.id}`;
}

/** The inverse of conversationKey; throws TypeError for anything it could not have produced. */
export function parseConversationKey(key: string): Conversation {
  const colon = key.indexOf(':');
  const type = key.slice(0, colon);
  const id = key.slice(colon + 1);
  if (colon < 0 || (type !== 'c2c' && type !== 'group') || id === '') {
    throw new TypeError(`"${key}" is not a conversation key (expected c2c:ID or group:ID).`);
  }
  return { type, id };
}

export function sameConversation(a: Conversation, b: Conversation): boolean {
  return a.type === b.type && a.id === b.id;
}

export function toContactItem(conversation: Conversation): ContactItem {
  return conversation.type === 'c2c'
    ? { Type: CONTACT_TYPE_C2C, To_Account: conversation.id }
    : { Type: CONTACT_TYPE_GROUP, ToGroupId: conversation.id };
}

/** Reads a ContactItem as Tencent returns it (extra fields ignored); throws TypeError on a bad Type or a missing/empty ID. */
export function fromContactItem(item: { Type: number; To_Account?: string; ToGroupId?: string }): Conversation {
  if (item === null || typeof item !== 'object') throw new TypeError('A ContactItem must be an object.');
  if (item.Type === CONTACT_TYPE_C2C) {
    if (typeof item.To_Account !== 'string' || item.To_Account === '') {
      throw new TypeError('A C2C ContactItem (Type 1) needs a non-empty To_Account.');
    }
    return { type: 'c2c', id: item.To_Account };
  }
  if (item.Type === CONTACT_TYPE_GROUP) {
    if (typeof item.ToGroupId !== 'string' || item.ToGroupId === '') {
      throw new TypeError('A group ContactItem (Type 2) needs a non-empty ToGroupId.');
    }
    return { type: 'group', id: item.ToGroupId };
  }
  throw new TypeError(`ContactItem Type must be 1 (C2C) or 2 (group); got ${String(item.Type)}.`);
}
