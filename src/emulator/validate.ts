// Request validation shared by every command. Tencent is strict about names (case-sensitive) and
// JSON types (Type is a number, not "1"); so is the emulator. Each service has its own "invalid
// parameter" code, passed in by the caller.
import { isValidBitIndex } from '../shared/marks/bits';
import { utf8ByteLength } from '../shared/marks/utf8';
import { ChatRequestError, type JsonObject } from './protocol';

export const CONTACT_TYPE_C2C = 1;
export const CONTACT_TYPE_GROUP = 2;

/** A conversation as Tencent numbers it: Type 1 with a UserID, Type 2 with a GroupId. */
export type ConversationRef = { type: typeof CONTACT_TYPE_C2C | typeof CONTACT_TYPE_GROUP; peer: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; info: string };

/** The longest UserID Tencent accepts, in UTF-8 bytes. */
export const USER_ID_MAX_BYTES = 32;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A non-empty string field, e.g. From_Account. */
export function requireString(body: JsonObject, field: string, code: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new ChatRequestError(code, `${field} is required and must be a non-empty string (got ${describe(value)})`);
  }
  return value;
}

export function optionalString(body: JsonObject, field: string, code: number): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ChatRequestError(code, `${field} must be a string (got ${describe(value)})`);
  return value;
}

export function requireNonNegativeInteger(body: JsonObject, field: string, code: number): number {
  const value = body[field];
  if (!isNonNegativeInteger(value)) {
    throw new ChatRequestError(code, `${field} is required and must be a non-negative integer (got ${describe(value)})`);
  }
  return value;
}

export function optionalNonNegativeInteger(body: JsonObject, field: string, code: number): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!isNonNegativeInteger(value)) {
    throw new ChatRequestError(code, `${field} must be a non-negative integer (got ${describe(value)})`);
  }
  return value;
}

/** An unsigned 32-bit integer such as MsgRandom or Random. */
export function isUint32(value: unknown): value is number {
  return isNonNegativeInteger(value) && value <= 0xffffffff;
}

export type ArrayLimits = { min: number; max: number; countCode?: number };

/**
 * An array field with a size rule. A missing field counts as empty, so "0 items" and "missing"
 * answer alike; a present non-array is a type error (`code`), a bad size is `countCode ?? code`.
 */
export function requireArray(body: JsonObject, field: string, code: number, limits: ArrayLimits): unknown[] {
  const value = body[field] ?? [];
  if (!Array.isArray(value)) throw new ChatRequestError(code, `${field} must be an array (got ${describe(value)})`);
  if (value.length < limits.min || value.length > limits.max) {
    throw new ChatRequestError(
      limits.countCode ?? code,
      `${field} must contain ${limits.min} to ${limits.max} items (got ${value.length})`,
    );
  }
  return value;
}

export function requireObject(body: JsonObject, field: string, code: number): JsonObject {
  const value = body[field];
  if (!isJsonObject(value)) throw new ChatRequestError(code, `${field} is required and must be an object (got ${describe(value)})`);
  return value;
}

/** A UserID as account_import takes it: non-empty, at most 32 UTF-8 bytes. */
export function userIdProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return `UserID must be a non-empty string (got ${describe(value)})`;
  if (utf8ByteLength(value) > USER_ID_MAX_BYTES) return `UserID is longer than ${USER_ID_MAX_BYTES} bytes`;
  return undefined;
}

/**
 * A conversation object. The group field is spelled differently per command: `ToGroupId` in the
 * mark and conversation-group commands, `ToGroupid` in recentcontact/delete.
 */
export function parseContactItem(value: unknown, groupField: 'ToGroupId' | 'ToGroupid' = 'ToGroupId'): Parsed<ConversationRef> {
  if (!isJsonObject(value)) return { ok: false, info: `ContactItem must be an object (got ${describe(value)})` };
  return parseConversationFields(value, groupField, 'ContactItem.');
}

/** Type + To_Account/group field read from `holder` (a ContactItem, or the body of recentcontact/delete). */
export function parseConversationFields(
  holder: JsonObject,
  groupField: 'ToGroupId' | 'ToGroupid',
  prefix = '',
): Parsed<ConversationRef> {
  const type = holder.Type;
  if (type === CONTACT_TYPE_C2C) {
    const peer = holder.To_Account;
    if (typeof peer !== 'string' || peer === '') {
      return { ok: false, info: `${prefix}To_Account is required for Type 1 (got ${describe(peer)})` };
    }
    return { ok: true, value: { type: CONTACT_TYPE_C2C, peer } };
  }
  if (type === CONTACT_TYPE_GROUP) {
    const peer = holder[groupField];
    if (typeof peer !== 'string' || peer === '') {
      return { ok: false, info: `${prefix}${groupField} is required for Type 2 (got ${describe(peer)})` };
    }
    return { ok: true, value: { type: CONTACT_TYPE_GROUP, peer } };
  }
  return { ok: false, info: `${prefix}Type must be the number 1 or 2 (got ${JSON.stringify(type) ?? 'missing'})` };
}

/** The ContactItem Tencent echoes back for a conversation. */
export function contactItemOf(conversation: ConversationRef): JsonObject {
  return conversation.type === CONTACT_TYPE_C2C
    ? { Type: CONTACT_TYPE_C2C, To_Account: conversation.peer }
    : { Type: CONTACT_TYPE_GROUP, ToGroupId: conversation.peer };
}

/** SetMark/ClearMark: an optional array of bit indexes 0..63. */
export function parseBitList(value: unknown, field: string): Parsed<number[]> {
  if (value === undefined) return { ok: true, value: [] };
  if (!Array.isArray(value)) return { ok: false, info: `${field} must be an array of bit indexes (got ${describe(value)})` };
  for (const bit of value) {
    if (!isValidBitIndex(bit)) return { ok: false, info: `${field} contains ${JSON.stringify(bit)}: bits are integers 0 to 63` };
  }
  return { ok: true, value: value as number[] };
}
