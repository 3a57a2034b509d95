// Reading the rows of Chat's conversation lists one by one, so that one odd row cannot take the
// whole list down. This is the one place that decides what an odd row becomes:
// - listed as it is meant: a time in milliseconds where Chat documents seconds is recognisable
//   (no conversation had a message in the year 5138) and is converted back;
// - listed with a warning: an ID longer than Chat allows (32 bytes for a user, 48 for a group) is
//   shown, but read-only — Chat would refuse a write to it — and its name is not looked up;
//   a time that makes no sense is shown as unknown;
// - left out and counted: a row without a usable type or ID, or whose marks cannot be read.
import { z } from 'zod';
import type { ConversationWarning } from '../../shared/api/chat-users';
import { CHAT_USER_ID_MAX_BYTES, GROUP_ID_MAX_BYTES } from '../../shared/marks/schemas';
import { type ContactItem, type Conversation, CONTACT_TYPE_C2C, CONTACT_TYPE_GROUP, toContactItem } from '../../shared/marks/conversation';
import { parseStandardMark } from '../../shared/marks/mask';
import { utf8ByteLength } from '../../shared/marks/utf8';

/** Why a row was left out; logged, never shown with the row's content. */
export type SkipReason = 'not-an-object' | 'unknown-type' | 'unusable-id' | 'unreadable-marks';

export type RowReading<Row> = { ok: true; row: Row; warnings: ConversationWarning[] } | { ok: false; reason: SkipReason };

/** Beyond this an ID is not a Chat ID that was merely too long, and the row is left out. */
export const LISTABLE_ID_MAX_BYTES = 256;
/** Below this a Chat time is seconds (until the year 5138); up to the next bound, milliseconds. */
const SECONDS_BELOW = 1e11;
const MILLISECONDS_BELOW = 1e14;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/u;
// With the u flag only an unpaired surrogate matches (a pair is one code point outside the range).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function readConversation(type: unknown, id: unknown): { conversation: Conversation; warnings: ConversationWarning[] } | SkipReason {
  if (type !== CONTACT_TYPE_C2C && type !== CONTACT_TYPE_GROUP) return 'unknown-type';
  if (typeof id !== 'string' || id === '' || CONTROL_CHARACTER.test(id) || LONE_SURROGATE.test(id)) return 'unusable-id';
  const bytes = utf8ByteLength(id);
  if (bytes > LISTABLE_ID_MAX_BYTES) return 'unusable-id';
  const limit = type === CONTACT_TYPE_C2C ? CHAT_USER_ID_MAX_BYTES : GROUP_ID_MAX_BYTES;
  return { conversation: { type: type === CONTACT_TYPE_C2C ? 'c2c' : 'group', id }, warnings: bytes > limit ? ['id-too-long'] : [] };
}

/**
 * A Chat time (documented as Unix seconds) in seconds: undefined for 0 or absent (Chat's "never"),
 * milliseconds converted with a warning, anything else unusable as undefined with a warning.
 */
export function readChatTime(value: unknown): { seconds: number | undefined; warning?: ConversationWarning } {
  if (value === undefined || value === null || value === 0) return { seconds: undefined };
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return { seconds: undefined, warning: 'time-unreadable' };
  if (value < SECONDS_BELOW) return { seconds: Math.floor(value) };
  if (value < MILLISECONDS_BELOW) return { seconds: Math.floor(value / 1000), warning: 'time-in-milliseconds' };
  return { seconds: undefined, warning: 'time-unreadable' };
}

export type SessionRow = { conversation: Conversation; contact: ContactItem; msgTime: number | undefined; pinned: boolean };

/** One SessionItem of get_list (which spells the group ID "GroupId"). */
export function readSessionRow(raw: unknown): RowReading<SessionRow> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'not-an-object' };
  const item = raw as Record<string, unknown>;
  const read = readConversation(item.Type, item.Type === CONTACT_TYPE_GROUP ? item.GroupId : item.To_Account);
  if (typeof read === 'string') return { ok: false, reason: read };
  const time = readChatTime(item.MsgTime);
  return {
    ok: true,
    row: { conversation: read.conversation, contact: toContactItem(read.conversation), msgTime: time.seconds, pinned: item.TopFlag === 1 },
    warnings: time.warning ? [...read.warnings, time.warning] : read.warnings,
  };
}

const markFieldsSchema = z.object({
  StandardMark: z.string().optional(),
  CustomMark: z.string().optional(),
  ContactGroupId: z.array(z.int()).optional(),
});

/** A conversation's marks as Chat reads them. */
export type MarkRow = {
  conversation: Conversation;
  contact: ContactItem;
  /** The 64-bit standard mark. */
  mask: bigint;
  /** '' when none. */
  customMark: string;
  /** Conversation groups (ContactGroupId) the conversation belongs to. */
  groupIds: number[];
  /** Unix seconds of the last change of this conversation's mark/group data, when Chat gave one. */
  timestamp: number | undefined;
};

/** One ContactItem of get_contact_group: a conversation with its marks and conversation groups. */
export function readMarkRow(raw: unknown): RowReading<MarkRow> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'not-an-object' };
  const item = raw as Record<string, unknown>;
  const read = readConversation(item.Type, item.Type === CONTACT_TYPE_GROUP ? item.ToGroupId : item.To_Account);
  if (typeof read === 'string') return { ok: false, reason: read };
  const fields = markFieldsSchema.safeParse(item);
  let mask: bigint;
  try {
    if (!fields.success) return { ok: false, reason: 'unreadable-marks' };
    mask = parseStandardMark(fields.data.StandardMark);
  } catch {
    return { ok: false, reason: 'unreadable-marks' };
  }
  const time = readChatTime(item.Timestamp);
  return {
    ok: true,
    row: {
      conversation: read.conversation,
      contact: toContactItem(read.conversation),
      mask,
      customMark: fields.data.CustomMark ?? '',
      groupIds: fields.data.ContactGroupId ?? [],
      timestamp: time.seconds,
    },
    warnings: time.warning ? [...read.warnings, time.warning] : read.warnings,
  };
}

/** What a list read left out or listed with doubts; filled by the helpers, logged by the route. */
export type OddRows = {
  skipped: Map<SkipReason, number>;
  /** Conversation key → its warnings. */
  doubtful: Map<string, ConversationWarning[]>;
};

export function createOddRows(): OddRows {
  return { skipped: new Map(), doubtful: new Map() };
}

export function countSkipped(odd: OddRows): number {
  let total = 0;
  for (const count of odd.skipped.values()) total += count;
  return total;
}
