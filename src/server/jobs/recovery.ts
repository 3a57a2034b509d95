// After a crash or a stop: the mark_contact calls an earlier run announced (job_writes) whose
// answers never came may or may not have landed. Writes are deltas, so each of their lines is read
// again: a line whose write shows in Chat is applied (from the state announced before the call);
// the others stay pending and go through the pipeline again.
import { chatErrorMessage } from '../../shared/chat-errors/catalogue';
import { applyChange, type MarkState } from '../../shared/marks/change';
import { conversationKey } from '../../shared/marks/conversation';
import { isChatError } from '../chat/errors';
import { EMPTY_MARK_STATE } from '../services/mark-writer';
import { landed, verdictFor } from '../services/write-policy';
import type { Reader } from '../store/database';
import { settledLine, type SettledLine } from './ledger';
import { announcedWrites, pendingLine, type WorkRow } from './line-store';

/** Reads the current marks of some of a user's lines, by conversation key. */
export type ReadStates = (chatUser: string, rows: readonly WorkRow[]) => Promise<Map<string, MarkState>>;

export type Recovery =
  | { ok: true; settled: SettledLine[]; forget: number[]; lines: number }
  /**
   * Chat could not be read: the announcements stay (for another try, or the next run). `transient`:
   * for a passing reason (Chat busy, 60007, the network — write-policy's verdict), worth trying again
   * after a pause; else only a person can fix it. `code`: Chat's; `unread`: the lines not read.
   */
  | { ok: false; transient: boolean; code: number; unread: number[]; message: string };

/**
 * A line whose earlier call may have landed unseen (sentBefore: the state read before it): applied,
 * from that state, when Chat shows the call's effect (the one lost-answer rule of write-policy).
 */
export function landedLine(chatUser: string, row: WorkRow, states: Map<string, MarkState>): SettledLine | null {
  if (row.sentBefore === undefined) return null;
  if (!landed(row.sentBefore, row.change, states.get(conversationKey(row.conversation)) ?? EMPTY_MARK_STATE)) return null;
  return settledLine(chatUser, row, row.sentBefore, 'applied', applyChange(row.sentBefore, row.change));
}

/** Settles the calls announced by an earlier run of the job; what to commit, or why it cannot be done now. */
export async function settleAnnouncedWrites(db: Reader, jobId: string, read: ReadStates): Promise<Recovery> {
  const announced = await announcedWrites(db, jobId);
  if (announced.length === 0) return { ok: true, settled: [], forget: [], lines: 0 };
  // The latest announcement of a line has the latest `before`.
  const befores = new Map<number, MarkState>();
  for (const write of announced) for (const { line, before } of write.lines) befores.set(line, before);
  const byUser = new Map<string, WorkRow[]>();
  for (const [line, sentBefore] of befores) {
    const row = await pendingLine(db, jobId, line);
    if (!row) continue;
    const { chatUser, ...work } = row;
    byUser.set(chatUser, [...(byUser.get(chatUser) ?? []), { ...work, sentBefore }]);
  }
  const settled: SettledLine[] = [];
  for (const [chatUser, rows] of byUser) {
    let states: Map<string, MarkState>;
    try {
      states = await read(chatUser, rows);
    } catch (error) {
      if (!isChatError(error)) throw error;
      // Chat does not know the user (e.g. 50001): nothing of its can have landed. Its lines stay
      // pending and fail on record when they are read again (or are cancelled).
      const verdict = verdictFor(error.code, true);
      if (verdict === 'failed') continue;
      return {
        ok: false,
        transient: verdict === 'transient',
        code: error.code,
        unread: rows.map((row) => row.line),
        message: `Chat could not be read to settle the calls the previous run left unanswered: ${chatErrorMessage(error.code, 'en')} (code ${error.code}). Resume the job to try again.`,
      };
    }
    for (const row of rows) {
      const line = landedLine(chatUser, row, states);
      if (line) settled.push(line);
    }
  }
  return { ok: true, settled, forget: announced.map((write) => write.id), lines: befores.size };
}
