// The one mark-write service. Interactive saves, Undo (revert.ts) and bulk jobs (jobs/runner.ts)
// all write through it: the decision per item, the mark_contact call with its edition fallback and
// the reading of a lost answer are written once, in write-policy.ts and here.
//
// An interactive save holds the Chat user's lock alone (chat-user-locks.ts) from the read of the
// current state to the record of the outcome, so a guarded item is compared with a state nobody
// can change through Markdesk before its write.
import type { MarkResult } from '../../shared/api/marks';
import { CHAT_NETWORK_ERROR_CODE, chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { applyChange, toMarkItem, type MarkChange, type MarkState, type TencentMarkItem } from '../../shared/marks/change';
import { conversationKey, toContactItem, type Conversation } from '../../shared/marks/conversation';
import { bitsFromMask } from '../../shared/marks/mask';
import { ChatCallAbortedError, type ChatClient } from '../chat/client';
import { ChatInvalidResponseError, isChatError } from '../chat/errors';
import { MARK_CONTACT_MAX_ITEMS, searchContactGroup, type ContactMarks } from '../chat/helpers';
import { holdBefore, recordIntents, recordOutcomes, type AuditIntent, type AuditOutcome } from '../store/audit';
import type { Store } from '../store/database';
import { chatUserLocks } from './chat-user-locks';
import { CHAT_USER_NOT_IMPORTED, itemErrorCode, upstreamHttpError } from './upstream-errors';
import { decideItem, landed, verdictFor, worthResendingAlone } from './write-policy';
import { type Clock } from '../clock';

export type MarkWriteItem = { conversation: Conversation; change: MarkChange; expectedCustomMark?: string };
export type MarkWriteContext = { staff: string; chatUser: string; requestId: string; reason?: string; revertOf?: string };
export type MarkWriterDeps = { store: Store; chat: Pick<ChatClient, 'call'>; clock: Clock };

export const EMPTY_MARK_STATE: MarkState = { bits: [], customMark: '' };
const stateOf = (marks: ContactMarks): MarkState => ({ bits: bitsFromMask(marks.mask), customMark: marks.customMark });

/** The current marks of some of a user's conversations (≤300 per search_contact_group call), by conversation key. */
export async function readMarkStates(
  chat: Pick<ChatClient, 'call'>,
  chatUser: string,
  conversations: readonly Conversation[],
  options: { concurrency?: number } = {},
): Promise<Map<string, MarkState>> {
  const { items } = await searchContactGroup(chat, chatUser, conversations.map(toContactItem), options);
  return new Map(items.map((marks) => [conversationKey(marks.conversation), stateOf(marks)]));
}

/** Chat's answer for one item of a mark_contact call. */
export type SentItem = {
  /** 0 = applied; else the item's ResultCode or the code that failed the whole call. */
  code: number;
  /** The whole call failed with `code`. */
  whole: boolean;
};

async function callOnce(chat: Pick<ChatClient, 'call'>, chatUser: string, items: readonly TencentMarkItem[], signal?: AbortSignal): Promise<SentItem[] | null> {
  try {
    const response = await chat.call('recentcontact/mark_contact', { From_Account: chatUser, MarkItem: [...items] }, signal ? { signal } : {});
    if (response.ResultItem.length !== items.length) {
      throw new ChatInvalidResponseError('recentcontact/mark_contact', `${response.ResultItem.length} results for ${items.length} items`);
    }
    return response.ResultItem.map((result) => ({ code: result.ResultCode, whole: false }));
  } catch (error) {
    if (error instanceof ChatCallAbortedError) return null;
    if (!isChatError(error)) throw error;
    return items.map(() => ({ code: error.code, whole: true }));
  }
}

/**
 * One mark_contact call (≤100 items), with the edition fallback: items Chat refused only because
 * the call also touched standard marks (51013) are sent again on their own. Null when the call was
 * given up (signal) before it was sent — or before that second call was: its items were never sent
 * on their own, so their 51013 is no answer, and a failure recorded from it would be wrong (they
 * work on every edition). The caller then treats the whole call as unanswered, as after a crash: a
 * bulk job keeps its lines pending with the call's announcement, and the next run reads them from
 * Chat (recovery.ts) — what the first call did is settled from Chat's state, the rest sent again.
 */
export async function sendMarkCall(
  chat: Pick<ChatClient, 'call'>,
  chatUser: string,
  items: readonly TencentMarkItem[],
  signal?: AbortSignal,
): Promise<SentItem[] | null> {
  const answers = await callOnce(chat, chatUser, items, signal);
  if (!answers) return null;
  const again = items.flatMap((item, n) => (worthResendingAlone(item, answers[n]!.code) ? [n] : []));
  if (again.length > 0 && again.length < items.length) {
    const retried = await callOnce(chat, chatUser, again.map((n) => items[n]!), signal);
    if (!retried) return null;
    again.forEach((n, k) => (answers[n] = retried[k]!));
  }
  return answers;
}

/**
 * Several mark_contact calls of ≤100 items, in order. After a whole call fails for a reason that is
 * not about its content (configuration, network after retries, still throttled), the rest are not
 * sent (`sent: false`): they would fail the same way, and repeated signature failures can lock the
 * app out (70050).
 */
async function sendMarkCalls(chat: Pick<ChatClient, 'call'>, chatUser: string, items: readonly TencentMarkItem[]): Promise<(SentItem & { sent: boolean })[]> {
  const answers: (SentItem & { sent: boolean })[] = [];
  let stoppedBy: number | null = null;
  for (let start = 0; start < items.length; start += MARK_CONTACT_MAX_ITEMS) {
    const batch = items.slice(start, start + MARK_CONTACT_MAX_ITEMS);
    if (stoppedBy !== null) {
      for (let n = 0; n < batch.length; n++) answers.push({ code: stoppedBy, whole: true, sent: false });
      continue;
    }
    const sent = (await sendMarkCall(chat, chatUser, batch))!;
    for (const answer of sent) answers.push({ ...answer, sent: true });
    const first = sent[0];
    if (first?.whole && first.code !== 0 && verdictFor(first.code, true) !== 'failed') stoppedBy = first.code;
  }
  return answers;
}

/**
 * One mark request: the user's lock is held alone from the read of `before` to the record of the
 * outcome. The results are answered as soon as they are known, while the outcomes are being
 * recorded (see writeMarksLocked); `onLateError` hears of a failure to record them after that.
 */
export function writeMarks(
  deps: MarkWriterDeps,
  context: MarkWriteContext,
  items: MarkWriteItem[],
  onLateError: (error: unknown) => void,
): Promise<MarkResult[]> {
  let answered = false;
  return new Promise((resolve, reject) => {
    const answer = (results: MarkResult[]) => {
      answered = true;
      resolve(results);
    };
    chatUserLocks(deps.store)
      .exclusive(context.chatUser, () => writeMarksLocked(deps, context, items, undefined, answer))
      .then(resolve, (error: unknown) => (answered ? onLateError(error) : reject(error)));
  });
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function auditIntent(context: MarkWriteContext, item: MarkWriteItem, before: MarkState | null): AuditIntent {
  return {
    staff: context.staff,
    chatUser: context.chatUser,
    conversation: item.conversation,
    requested: item.change,
    before,
    requestId: context.requestId,
    ...(context.reason !== undefined ? { reason: context.reason } : {}),
    ...(context.revertOf !== undefined ? { revertOf: context.revertOf } : {}),
  };
}

const CONFLICT_MESSAGE = 'The custom mark was changed by someone else since it was loaded.';

/**
 * writeMarks' work; only while holding the user's lock alone. `known`: states already read inside
 * this same hold (Undo reads before deciding); the others are read here. Every item gets an audit
 * intent, durable before anything is sent, and one outcome; conflicts and no-ops are settled
 * without writing, the rest written as deltas, and one result per item answered in request order.
 * Deltas mean two people changing different bits of a conversation both win.
 *
 * When the state has to be read, the intents are committed (with their fsync) while the read is in
 * flight, so the save waits for the slower of the two rather than for both: the intent then holds
 * the request, and the outcome the state read before the write. Until the outcome is recorded that
 * state is also kept beside the chain (holdBefore), committed before the write is sent, so a crash
 * in between leaves reconcile.ts what it needs to settle the entry as if the intent had held it.
 */
export async function writeMarksLocked(
  deps: MarkWriterDeps,
  context: MarkWriteContext,
  items: MarkWriteItem[],
  known?: Map<string, MarkState>,
  answer?: (results: MarkResult[]) => void,
): Promise<MarkResult[]> {
  const intentsOf = (states: Map<string, MarkState> | null) =>
    recordIntents(deps.store, items.map((item) => auditIntent(context, item, states?.get(conversationKey(item.conversation)) ?? (states ? EMPTY_MARK_STATE : null))), deps.clock);
  let before: Map<string, MarkState>;
  let intentIds: string[];
  if (known) {
    before = known;
    intentIds = await intentsOf(known);
  } else {
    // The read is started first, and the intent's commit waits for the next turn of the event loop:
    // the read's request reaches its socket a few promise steps (the limiter, the pool) after the
    // call, and a commit started at once ran its statements before them, holding the request back
    // by their time (a probe in the built server: the read took 0.2–0.3 ms longer at p50).
    const read = readMarkStates(deps.chat, context.chatUser, items.map((item) => item.conversation));
    const intents = nextTurn().then(() => intentsOf(null));
    const [recorded, states] = await Promise.allSettled([intents, read]);
    if (recorded.status === 'rejected') throw recorded.reason;
    intentIds = recorded.value;
    if (states.status === 'rejected') return failedRead(deps, items, intentIds, states.reason);
    before = states.value;
  }

  const outcomes = new Array<AuditOutcome>(items.length);
  // Writes whose answer was lost and whose state could not be read back either (their before state).
  const undecided = new Map<number, MarkState>();
  const toWrite: { index: number; state: MarkState }[] = [];
  items.forEach((item, index) => {
    const state = before.get(conversationKey(item.conversation)) ?? EMPTY_MARK_STATE;
    const decision = decideItem(state, item.change, item.expectedCustomMark !== undefined ? { expectedCustomMark: item.expectedCustomMark } : {});
    if (decision === 'write') toWrite.push({ index, state });
    else {
      const message = decision === 'conflict' ? { message: CONFLICT_MESSAGE } : {};
      outcomes[index] = { entryId: intentIds[index]!, status: decision, before: state, after: state, ...message };
    }
  });

  if (toWrite.length > 0) {
    if (!known) await holdBefore(deps.store, toWrite.map(({ index, state }) => ({ entryId: intentIds[index]!, before: state })));
    const answers = await sendMarkCalls(
      deps.chat,
      context.chatUser,
      toWrite.map(({ index }) => toMarkItem(items[index]!.conversation, items[index]!.change)),
    );

    // A write whose answer was lost on the network (after retries) may or may not have landed: read
    // those back and let Chat's state decide. Confirmed writes need no read: `after` is the delta
    // applied to the `before` just read, under the lock.
    const lost = toWrite.filter((_, n) => answers[n]!.code === CHAT_NETWORK_ERROR_CODE && answers[n]!.sent);
    let readBack: Map<string, MarkState> | null = null;
    if (lost.length > 0) {
      readBack = await readMarkStates(deps.chat, context.chatUser, lost.map(({ index }) => items[index]!.conversation)).catch((error: unknown) => {
        if (!isChatError(error)) throw error;
        return null;
      });
    }

    toWrite.forEach(({ index, state }, n) => {
      const item = items[index]!;
      const { code, sent } = answers[n]!;
      const lostAnswer = code === CHAT_NETWORK_ERROR_CODE && sent;
      const now = readBack?.get(conversationKey(item.conversation));
      // Neither the answer nor Chat's state could be read: the write may have landed. No outcome is
      // recorded, so the intent stays 'unknown' with its kept state, and reconcile.ts settles it
      // from Chat (at its next run) as after a crash; the person is told it may have been applied.
      if (lostAnswer && now === undefined) {
        undecided.set(index, state);
        return;
      }
      outcomes[index] =
        code === 0 || (lostAnswer && landed(state, item.change, now!))
          ? { entryId: intentIds[index]!, status: 'applied', before: state, after: applyChange(state, item.change) }
          : { entryId: intentIds[index]!, status: 'failed', before: state, after: now ?? state, upstreamCode: code, message: chatErrorMessage(code, 'en') };
    });
  }
  const results = items.map((item, index) => {
    const state = undecided.get(index);
    return state === undefined ? resultOf(item, outcomes[index]!) : undecidedResult(item, intentIds[index]!, state);
  });
  // The outcomes' commit does not wait for an fsync (recordOutcomes), so answering before it
  // promises nothing more: either way an outcome lost to a crash leaves its intent 'unknown' for
  // reconcile.ts. On SQLite it is queued on the one database connection before the answer is
  // written, ahead of anything a later request asks of the database, so the person's next look at
  // History finds it. PostgreSQL has a pool (and other instances): a later request could read
  // before the commit, so there the answer waits for it.
  if (deps.store.location.dialect === 'sqlite') answer?.(results);
  // An undecided write has no outcome yet (a hole in `outcomes`, which filter skips).
  await recordOutcomes(deps.store, outcomes.filter(Boolean), deps.clock);
  if (deps.store.location.dialect === 'postgres') answer?.(results);
  return results;
}

function resultOf(item: MarkWriteItem, outcome: AuditOutcome): MarkResult {
  const common = { conversation: item.conversation, before: outcome.before!, after: outcome.after!, auditId: outcome.entryId };
  switch (outcome.status) {
    case 'applied':
    case 'unchanged':
      return { ...common, status: outcome.status };
    case 'conflict':
      return { ...common, status: 'conflict', message: outcome.message! };
    default:
      return { ...common, status: 'failed', code: itemErrorCode(outcome.upstreamCode!), message: outcome.message!, upstreamCode: outcome.upstreamCode! };
  }
}

export const UNDECIDED_MESSAGE =
  'Chat did not answer and could not be asked again, so this change may or may not have been applied. Markdesk checks it with Chat within minutes; History then shows what happened.';

/** A write whose answer was lost and could not be read back: failed for now, with the code that says why. */
function undecidedResult(item: MarkWriteItem, entryId: string, before: MarkState): MarkResult {
  return {
    conversation: item.conversation,
    status: 'failed',
    before,
    after: null,
    auditId: entryId,
    code: itemErrorCode(CHAT_NETWORK_ERROR_CODE),
    message: UNDECIDED_MESSAGE,
    upstreamCode: CHAT_NETWORK_ERROR_CODE,
  };
}

/** Nothing was written; the attempt is still on record, then the person gets one clear error. */
async function failedRead(deps: MarkWriterDeps, items: MarkWriteItem[], intentIds: string[], error: unknown): Promise<MarkResult[]> {
  const httpError = upstreamHttpError(error);
  const upstreamCode = httpError.extra.upstreamCode;
  const code = upstreamCode !== undefined ? { upstreamCode } : {};
  await recordOutcomes(
    deps.store,
    intentIds.map((entryId) => ({ entryId, status: 'failed' as const, before: null, after: null, message: httpError.message, ...code })),
    deps.clock,
  );
  if (upstreamCode === CHAT_USER_NOT_IMPORTED) throw httpError;
  return items.map((item, index) => ({
    conversation: item.conversation,
    status: 'failed' as const,
    before: null,
    after: null,
    auditId: intentIds[index]!,
    code: itemErrorCode(upstreamCode ?? CHAT_NETWORK_ERROR_CODE),
    message: httpError.message,
    ...code,
  }));
}
