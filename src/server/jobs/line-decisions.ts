// What becomes of a job's lines, decided on the state just read and on Chat's answer to their call,
// by the one write policy (services/write-policy.ts). Pure: the run (execution.ts) acts on it.
import { chatErrorMessage } from '../../shared/chat-errors/catalogue';
import type { MarkState } from '../../shared/marks/change';
import { conversationKey } from '../../shared/marks/conversation';
import { EMPTY_MARK_STATE } from '../services/mark-writer';
import { decide, verdictFor } from '../services/write-policy';
import { settledLine, type SettledLine } from './ledger';
import type { WorkRow } from './line-store';

const GUARD_CONFLICT_MESSAGE = 'Not written: the conversation is not in the state this line requires.';

/** A line to write, with the state read before and the state the write will produce. */
export type WriteLine = WorkRow & { before: MarkState; after: MarkState };

/** A line on the state just read: settled now (unchanged, or conflict with its guard), or to write. */
export function decideLine(chatUser: string, row: WorkRow, states: Map<string, MarkState>): SettledLine | WriteLine {
  const before = states.get(conversationKey(row.conversation)) ?? EMPTY_MARK_STATE;
  const { decision, after } = decide(before, row.change, row.guard);
  if (decision === 'conflict') return settledLine(chatUser, row, before, 'conflict', before, undefined, GUARD_CONFLICT_MESSAGE);
  if (decision === 'unchanged') return settledLine(chatUser, row, before, 'unchanged', after);
  const { sentBefore: _sentBefore, ...line } = row;
  return { ...line, before, after };
}

/** Lines decided on the same states: those settled now and those to write. */
export function decideLines(chatUser: string, rows: readonly WorkRow[], states: Map<string, MarkState>, settledFirst?: (row: WorkRow) => SettledLine | null) {
  const settled: SettledLine[] = [];
  const toWrite: WriteLine[] = [];
  for (const row of rows) {
    const decided = settledFirst?.(row) ?? decideLine(chatUser, row, states);
    if ('status' in decided) settled.push(decided);
    else toWrite.push(decided);
  }
  return { settled, toWrite };
}

export function splitInto<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}

/** Why a job stops when Chat refuses it for a reason only a person can fix. */
export function haltMessage(action: 'read' | 'write', code: number): string {
  return `Chat refused to ${action} marks: ${chatErrorMessage(code, 'en')} (code ${code}). Fix the cause, then resume the job.`;
}

/**
 * What Chat's answer to one mark_contact call means for its lines: applied or failed (settled), or
 * to try again (transient; `retryCode` the last such code). `haltCode`: a code that stops the job.
 */
export function callOutcome(chatUser: string, lines: readonly WriteLine[], codes: readonly { code: number; whole: boolean }[]) {
  const settled: SettledLine[] = [];
  const retry: WriteLine[] = [];
  let retryCode = 0;
  let haltCode: number | null = null;
  lines.forEach((line, index) => {
    const { code, whole } = codes[index]!;
    const verdict = verdictFor(code, whole);
    if (verdict === 'applied') settled.push(settledLine(chatUser, line, line.before, 'applied', line.after));
    else if (verdict === 'failed') settled.push(settledLine(chatUser, line, line.before, 'failed', line.before, code, chatErrorMessage(code, 'en')));
    else {
      retry.push(line);
      retryCode = code;
      if (verdict === 'halt' && haltCode === null) haltCode = code;
    }
  });
  return { settled, retry, retryCode, haltCode };
}
