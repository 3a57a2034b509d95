import type { MarkResult } from '../../shared/api/marks';
import { CHAT_NETWORK_ERROR_CODE, chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { applyChange, isNoopChange, toMarkItem, type MarkChange, type MarkState } from '../../shared/marks/change';
import { conversationKey, toContactItem, type Conversation } from '../../shared/marks/conversation';
import { bitsFromMask } from '../../shared/marks/mask';
import type { ChatClient } from '../chat/client';
import { isChatError } from '../chat/errors';
import { markContact, searchContactGroup, type ContactMarks } from '../chat/helpers';
import { recordEntries, recordIntents, recordOutcomes, type AuditIntent } from '../store/audit';
import type { Clock, Store } from '../store/database';
import { CHAT_USER_NOT_IMPORTED, EDITION_NOT_ALLOWED, itemErrorCode, upstreamHttpError } from './upstream-errors';

export type MarkWriteItem = { conversation: Conversation; change: MarkChange; expectedCustomMark?: string };
export type MarkWriteContext = { staff: string; chatUser: string; requestId: string; reason?: string; revertOf?: string };
export type MarkWriterDeps = { store: Store; chat: Pick<ChatClient, 'call'>; clock: Clock };

const stateOf = (marks: ContactMarks): MarkState => ({ bits: bitsFromMask(marks.mask), customMark: marks.customMark });

/** True when `state` shows every effect of `change` (used to settle writes whose answer was lost). */
function showsChange(state: MarkState, change: MarkChange): boolean {
  const on = new Set(state.bits);
  return (
    change.setBits.every((bit) => on.has(bit)) &&
    change.clearBits.every((bit) => !on.has(bit)) &&
    (change.customMark === undefined || change.customMark === state.customMark)
  );
}

async function readStates(deps: MarkWriterDeps, chatUser: string, conversations: Conversation[]): Promise<Map<string, MarkState>> {
  const { items } = await searchContactGroup(deps.chat, chatUser, conversations.map(toContactItem));
  return new Map(items.map((marks) => [conversationKey(marks.conversation), stateOf(marks)]));
}

/**
 * One mark request, as bff-api §4.2 describes it: read every `before` from Chat, settle
 * conflicts and no-ops without writing, write the rest as deltas (≤100 per call) between an
 * audit intent and its outcome, read the result back, and answer one result per item in
 * request order. Deltas mean two people changing different bits of a conversation both win.
 */
export async function writeMarks(deps: MarkWriterDeps, context: MarkWriteContext, items: MarkWriteItem[]): Promise<MarkResult[]> {
  const auditBase = (item: MarkWriteItem): AuditIntent => ({
    staff: context.staff,
    chatUser: context.chatUser,
    conversation: item.conversation,
    requested: item.change,
    before: null,
    requestId: context.requestId,
    ...(context.reason !== undefined ? { reason: context.reason } : {}),
    ...(context.revertOf !== undefined ? { revertOf: context.revertOf } : {}),
  });

  let before: Map<string, MarkState>;
  try {
    before = await readStates(deps, context.chatUser, items.map((item) => item.conversation));
  } catch (error) {
    // Nothing was written; the attempt is still on record, then the person gets one clear error.
    const httpError = upstreamHttpError(error);
    const upstreamCode = httpError.extra.upstreamCode;
    const auditIds = await recordEntries(
      deps.store,
      items.map((item) => ({ ...auditBase(item), status: 'failed' as const, after: null, message: httpError.message, ...(upstreamCode !== undefined ? { upstreamCode } : {}) })),
      deps.clock,
    );
    if (upstreamCode === CHAT_USER_NOT_IMPORTED) throw httpError;
    return items.map((item, index) => ({
      conversation: item.conversation,
      status: 'failed' as const,
      before: null,
      after: null,
      auditId: auditIds[index]!,
      code: itemErrorCode(upstreamCode ?? CHAT_NETWORK_ERROR_CODE),
      message: httpError.message,
      ...(upstreamCode !== undefined ? { upstreamCode } : {}),
    }));
  }

  const results = new Array<MarkResult>(items.length);
  const settled: { index: number; entry: Parameters<typeof recordEntries>[1][number] }[] = [];
  const toWrite: { index: number; state: MarkState }[] = [];
  items.forEach((item, index) => {
    const state = before.get(conversationKey(item.conversation)) ?? { bits: [], customMark: '' };
    if (item.expectedCustomMark !== undefined && item.expectedCustomMark !== state.customMark) {
      settled.push({ index, entry: { ...auditBase(item), before: state, status: 'conflict', after: state, message: 'The custom mark was changed by someone else since it was loaded.' } });
    } else if (isNoopChange(state, item.change)) {
      settled.push({ index, entry: { ...auditBase(item), before: state, status: 'unchanged', after: state } });
    } else {
      toWrite.push({ index, state });
    }
  });

  const settledIds = await recordEntries(deps.store, settled.map((s) => s.entry), deps.clock);
  settled.forEach(({ index, entry }, n) => {
    const auditId = settledIds[n]!;
    const state = entry.before!;
    results[index] =
      entry.status === 'conflict'
        ? { conversation: items[index]!.conversation, status: 'conflict', before: state, after: state, auditId, message: entry.message! }
        : { conversation: items[index]!.conversation, status: 'unchanged', before: state, after: state, auditId };
  });
  if (toWrite.length === 0) return results;

  // The intent is durable before anything is sent: a crash can leave an 'unknown' entry, never
  // a write without one.
  const intentIds = await recordIntents(deps.store, toWrite.map(({ index, state }) => ({ ...auditBase(items[index]!), before: state })), deps.clock);
  const writeResults = await markContact(
    deps.chat,
    context.chatUser,
    toWrite.map(({ index }) => toMarkItem(items[index]!.conversation, items[index]!.change)),
  );
  // On an edition without standard marks Chat refuses a whole call that touches any (51013),
  // custom-mark-only items in it included; those work on every edition, so send them again alone.
  const customOnly = writeResults.flatMap((result, n) => (result.resultCode === EDITION_NOT_ALLOWED && result.item.OptType === 2 ? [n] : []));
  if (customOnly.length > 0) {
    const retried = await markContact(deps.chat, context.chatUser, customOnly.map((n) => writeResults[n]!.item));
    customOnly.forEach((n, k) => (writeResults[n] = retried[k]!));
  }

  // A write whose answer was lost on the network (after retries) may or may not have landed:
  // read those back and let Chat's state decide. Confirmed writes need no read: `after` is the
  // delta applied to the `before` just read, which keeps search_contact_group at one call per
  // write and inside its 200/s budget.
  const unsettled = toWrite.filter((_, n) => writeResults[n]!.resultCode === CHAT_NETWORK_ERROR_CODE && writeResults[n]!.sent);
  let after: Map<string, MarkState> | null = null;
  if (unsettled.length > 0) {
    try {
      after = await readStates(deps, context.chatUser, unsettled.map(({ index }) => items[index]!.conversation));
    } catch (error) {
      if (!isChatError(error)) throw error;
    }
  }

  const outcomes = toWrite.map(({ index, state }, n) => {
    const item = items[index]!;
    const written = writeResults[n]!;
    const readBack = after?.get(conversationKey(item.conversation)) ?? null;
    // A network failure after retries: Chat may or may not have applied the delta; the read-back decides.
    const lostAnswer = written.resultCode === CHAT_NETWORK_ERROR_CODE && written.sent && readBack !== null && showsChange(readBack, item.change);
    if (written.resultCode === 0 || lostAnswer) {
      const afterState = applyChange(state, item.change);
      return { index, outcome: { entryId: intentIds[n]!, status: 'applied' as const, before: state, after: afterState } };
    }
    const message = chatErrorMessage(written.resultCode, 'en');
    return {
      index,
      outcome: { entryId: intentIds[n]!, status: 'failed' as const, before: state, after: readBack ?? state, upstreamCode: written.resultCode, message },
    };
  });
  await recordOutcomes(deps.store, outcomes.map((o) => o.outcome), deps.clock);

  for (const { index, outcome } of outcomes) {
    const conversation = items[index]!.conversation;
    results[index] =
      outcome.status === 'applied'
        ? { conversation, status: 'applied', before: outcome.before, after: outcome.after, auditId: outcome.entryId }
        : {
            conversation,
            status: 'failed',
            before: outcome.before,
            after: outcome.after,
            auditId: outcome.entryId,
            code: itemErrorCode(outcome.upstreamCode!),
            message: outcome.message!,
            upstreamCode: outcome.upstreamCode!,
          };
  }
  return results;
}
