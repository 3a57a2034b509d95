// The conversation mark model of one user: a 64-bit standard mark, a custom mark and conversation
// groups per conversation. A conversation is "marked or grouped" — and counts toward the 1,000 cap —
// while any of the three is non-empty; it then has a row in conversation_mark (which also holds the
// Timestamp of its last mark/group change). When all three become empty the row goes away.
import { formatStandardMark } from '../shared/marks/mask';
import { CODES, type JsonObject } from './protocol';
import type { EmulatorStore, MarkRow } from './store';
import { CONTACT_TYPE_C2C, type ConversationRef } from './validate';

/** Tencent's per-user ceiling on marked or grouped conversations. */
export const CONVERSATION_CAP = 1000;
/** Tencent's per-user ceiling on conversation groups. */
export const CONTACT_GROUP_CAP = 20;
/** Conversation group names are limited in UTF-8 bytes. */
export const CONTACT_GROUP_NAME_MAX_BYTES = 32;

export type MarkWrite = { setMask: bigint; clearMask: bigint; customMark: string | undefined };

function isEmpty(mask: bigint, customMark: string, groupCount: number): boolean {
  return mask === 0n && customMark === '' && groupCount === 0;
}

/** Would making this conversation marked/grouped exceed the cap? (Already-counted ones never do.) */
function wouldExceedCap(store: EmulatorStore, owner: string, existing: MarkRow | undefined): boolean {
  return existing === undefined && store.markCount(owner) >= CONVERSATION_CAP;
}

/** Applies a delta; 0 or 51008. */
export function writeMarks(store: EmulatorStore, owner: string, conversation: ConversationRef, write: MarkWrite, now: number): number {
  const existing = store.getMark(owner, conversation);
  const mask = ((existing?.mask ?? 0n) | write.setMask) & ~write.clearMask;
  const customMark = write.customMark ?? existing?.customMark ?? '';
  const groupCount = existing ? store.contactGroupIdsOf(owner, conversation).length : 0;
  if (isEmpty(mask, customMark, groupCount)) {
    if (existing) store.deleteMark(owner, conversation);
    return 0;
  }
  if (wouldExceedCap(store, owner, existing)) return CODES.conversationCap;
  store.upsertMark(owner, { ...conversation, mask, customMark, updatedAt: now });
  return 0;
}

/** 0 or 51008. Adding a conversation already in the group still refreshes its Timestamp. */
export function addToContactGroup(
  store: EmulatorStore,
  owner: string,
  groupId: number,
  conversation: ConversationRef,
  now: number,
): number {
  const existing = store.getMark(owner, conversation);
  if (wouldExceedCap(store, owner, existing)) return CODES.conversationCap;
  store.upsertMark(owner, {
    ...conversation,
    mask: existing?.mask ?? 0n,
    customMark: existing?.customMark ?? '',
    updatedAt: now,
  });
  store.addContactGroupMember(owner, groupId, conversation);
  return 0;
}

export function removeFromContactGroup(
  store: EmulatorStore,
  owner: string,
  groupId: number,
  conversation: ConversationRef,
  now: number,
): void {
  if (!store.removeContactGroupMember(owner, groupId, conversation)) return;
  const existing = store.getMark(owner, conversation);
  if (!existing) return;
  if (isEmpty(existing.mask, existing.customMark, store.contactGroupIdsOf(owner, conversation).length)) {
    store.deleteMark(owner, conversation);
  } else {
    store.upsertMark(owner, { ...existing, updatedAt: now });
  }
}

export function deleteContactGroup(store: EmulatorStore, owner: string, groupId: number, now: number): void {
  for (const conversation of store.contactGroupMembers(owner, groupId)) {
    removeFromContactGroup(store, owner, groupId, conversation, now);
  }
  store.deleteContactGroup(owner, groupId);
}

/** The conversation's Type and ID the way get_contact_group/search_contact_group spell them. */
export function contactIdentity(conversation: ConversationRef): JsonObject {
  return conversation.type === CONTACT_TYPE_C2C
    ? { Type: conversation.type, To_Account: conversation.peer }
    : { Type: conversation.type, ToGroupId: conversation.peer };
}

/** A ContactItem of get_contact_group: empty fields are left out, as Tencent does. */
export function contactEntry(mark: MarkRow, groupIds: readonly number[]): JsonObject {
  const entry: JsonObject = contactIdentity(mark);
  if (mark.mask !== 0n) entry.StandardMark = formatStandardMark(mark.mask);
  if (mark.customMark !== '') entry.CustomMark = mark.customMark;
  if (groupIds.length > 0) entry.ContactGroupId = [...groupIds];
  entry.Timestamp = mark.updatedAt;
  return entry;
}

export function groupItems(store: EmulatorStore, owner: string): JsonObject[] {
  return store.contactGroups(owner).map((group) => ({ GroupName: group.name, GroupId: group.groupId }));
}
