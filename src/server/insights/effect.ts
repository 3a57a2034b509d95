// A finished bulk job's effect, measured now: its applied rows are read again from Chat
// (search_contact_group, ≤300 conversations per call, read-only) and compared with what the job
// wrote. Each measurement is kept with the job, so repeating it draws a curve over time.
import type { JobEffect } from '../../shared/api/insights';
import { conversationKey, toContactItem, type Conversation, type ConversationType } from '../../shared/marks/conversation';
import type { MarkChange } from '../../shared/marks/change';
import { bitsFromMask } from '../../shared/marks/mask';
import type { ChatClient } from '../chat/client';
import { isChatError } from '../chat/errors';
import { searchContactGroup } from '../chat/helpers';
import type { Reader, Store } from '../store/database';
import { readOnlyCaller } from './read-only';
import type { Clock } from '../clock';

/** Job states whose applied rows are final. */
export const MEASURABLE_JOB_STATES = new Set(['done', 'cancelled', 'failed']);

type AppliedRow = { chatUser: string; conversation: Conversation; change: MarkChange };

async function appliedRows(db: Reader, jobId: string): Promise<AppliedRow[]> {
  const rows = await db
    .selectFrom('job_rows')
    .select(['chat_user', 'conversation_type', 'conversation_id', 'change_json'])
    .where('job_id', '=', jobId)
    .where('status', '=', 'applied')
    .orderBy('chat_user')
    .orderBy('line')
    // An applied row has all four (it was checked, then written).
    .$narrowType<{ chat_user: string; conversation_type: ConversationType; conversation_id: string; change_json: string }>()
    .execute();
  return rows.map((row) => ({
    chatUser: row.chat_user,
    conversation: { type: row.conversation_type, id: row.conversation_id },
    change: JSON.parse(row.change_json) as MarkChange,
  }));
}

export type EffectState = { bits: ReadonlySet<number>; customMark: string };

/** Compares one row's current state with what the job wrote; adds to the counts. */
export function tallyRow(effect: JobEffect, change: MarkChange, now: EffectState): void {
  let moved = false;
  for (const bit of change.setBits) {
    if (!now.bits.has(bit)) {
      effect.bitsCleared[bit] = (effect.bitsCleared[bit] ?? 0) + 1;
      moved = true;
    }
  }
  for (const bit of change.clearBits) {
    if (now.bits.has(bit)) {
      effect.bitsSet[bit] = (effect.bitsSet[bit] ?? 0) + 1;
      moved = true;
    }
  }
  if (change.customMark !== undefined && change.customMark !== now.customMark) {
    effect.customMarkChanged++;
    moved = true;
  }
  if (moved) effect.changedSince++;
  else effect.stillAsWritten++;
}

export function emptyEffect(measuredAt: Date, rows: number): JobEffect {
  return {
    measuredAt: measuredAt.toISOString(),
    rows,
    stillAsWritten: 0,
    changedSince: 0,
    bitsCleared: {},
    bitsSet: {},
    customMarkChanged: 0,
    unreadable: 0,
  };
}

/** Reads the job's applied rows again and stores the measurement. */
export async function measureJobEffect(deps: { store: Store; chat: Pick<ChatClient, 'call'>; clock: Clock }, jobId: string): Promise<JobEffect> {
  const caller = readOnlyCaller(deps.chat);
  const rows = await appliedRows(deps.store.read, jobId);
  const effect = emptyEffect(new Date(deps.clock.now()), rows.length);
  const byUser = new Map<string, AppliedRow[]>();
  for (const row of rows) byUser.set(row.chatUser, [...(byUser.get(row.chatUser) ?? []), row]);
  const users = [...byUser];
  let next = 0;
  // A few users at a time; each user's conversations are read 300 per call.
  const worker = async () => {
    while (next < users.length) {
      const [chatUser, userRows] = users[next++]!;
      try {
        const read = await searchContactGroup(caller, chatUser, userRows.map((row) => toContactItem(row.conversation)), { concurrency: 2 });
        const states = new Map(read.items.map((item) => [conversationKey(item.conversation), item]));
        for (const row of userRows) {
          const state = states.get(conversationKey(row.conversation));
          tallyRow(effect, row.change, { bits: new Set(state ? bitsFromMask(state.mask) : []), customMark: state?.customMark ?? '' });
        }
      } catch (error) {
        if (!isChatError(error)) throw error;
        effect.unreadable += userRows.length;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  effect.bitsCleared = sorted(effect.bitsCleared);
  effect.bitsSet = sorted(effect.bitsSet);
  await deps.store.write((tx) =>
    tx.insertInto('job_effects').values({ job_id: jobId, measured_at: effect.measuredAt, result_json: JSON.stringify(effect) }).execute(),
  );
  return effect;
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => Number(a) - Number(b)));
}

export async function jobEffects(db: Reader, jobId: string): Promise<JobEffect[]> {
  const rows = await db.selectFrom('job_effects').select('result_json').where('job_id', '=', jobId).orderBy('id').execute();
  return rows.map((row) => JSON.parse(row.result_json) as JobEffect);
}
