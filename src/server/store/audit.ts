import type { MarkResultStatus } from '../../shared/api/marks';
import type { MarkChange, MarkState } from '../../shared/marks/change';
import type { Conversation } from '../../shared/marks/conversation';
import { appendChainRows, blankContent, type AuditContent, type AuditRow } from './audit-chain';
import type { Reader, Store, Tx } from './database';
import { runStatement, selectRow } from './sql';
import { timeOrderedId } from './ids';
import { type Clock, systemClock } from '../clock';

// The audit log of mark changes. Rows are only ever appended — triggers refuse UPDATE and DELETE —
// and each is chained to the previous one under the audit key (audit-chain.ts), so an edit made
// behind the database's back shows up in the chain check (audit-verify.ts). A mark write appends an INTENT row before the upstream call and an
// OUTCOME row after it: a crash in between leaves an intent that reads back as status 'unknown',
// never a write without its entry. Reading the log is audit-query.ts; its CSV export audit-csv.ts.

export type AuditIntent = {
  staff: string;
  chatUser: string;
  conversation: Conversation;
  requested: MarkChange;
  before: MarkState | null;
  reason?: string;
  requestId: string;
  revertOf?: string;
};

export type AuditOutcome = {
  /** The id recordIntents returned for the intent. */
  entryId: string;
  status: MarkResultStatus;
  /** The state read just before the write, when it is better known now than at intent time. */
  before: MarkState | null;
  after: MarkState | null;
  upstreamCode?: number;
  message?: string;
};

/** An entry written in one go, when there was no upstream write to bracket (unchanged, conflict…). */
export type AuditOneShotEntry = AuditIntent & {
  status: MarkResultStatus;
  after: MarkState | null;
  upstreamCode?: number;
  message?: string;
};

export type AuditErrorCode = 'INVALID_FILTER' | 'INVALID_CURSOR' | 'UNKNOWN_ENTRY' | 'ALREADY_COMPLETED';

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}

function markStateJson(state: MarkState | null): string | null {
  return state === null ? null : JSON.stringify({ bits: [...state.bits], customMark: state.customMark });
}

function requestedJson(requested: MarkChange): string {
  return JSON.stringify({
    setBits: [...requested.setBits],
    clearBits: [...requested.clearBits],
    ...(requested.customMark === undefined ? {} : { customMark: requested.customMark }),
  });
}

// Rows are written out in full rather than spread over a template: bulk jobs build two per mark.
function intentContent(intent: AuditIntent, at: Date): AuditContent {
  return {
    id: timeOrderedId(at),
    kind: 'intent',
    refers_to: null,
    at: at.toISOString(),
    staff: intent.staff,
    chat_user: intent.chatUser,
    conversation_type: intent.conversation.type,
    conversation_id: intent.conversation.id,
    requested_json: requestedJson(intent.requested),
    before_json: markStateJson(intent.before),
    after_json: null,
    status: null,
    upstream_code: null,
    message: null,
    reason: intent.reason ?? null,
    request_id: intent.requestId,
    revert_of: intent.revertOf ?? null,
    action: null,
    target: null,
    ip: null,
    user_agent: null,
    details_json: null,
  };
}

function outcomeContent(outcome: AuditOutcome, at: Date): AuditContent {
  const row = blankContent(timeOrderedId(at), 'outcome', at.toISOString());
  row.refers_to = outcome.entryId;
  row.before_json = markStateJson(outcome.before);
  row.after_json = markStateJson(outcome.after);
  row.status = outcome.status;
  row.upstream_code = outcome.upstreamCode ?? null;
  row.message = outcome.message ?? null;
  return row;
}

// The state kept for a save in flight (holdBefore below), and whether an id is an intent that
// already has its outcome (through audit_outcome_of).
const HOLD_BEFORE = 'INSERT INTO mark_writes_in_flight (entry_id, before_json) VALUES (?, ?)';
const HELD_BEFORE = 'SELECT before_json FROM mark_writes_in_flight WHERE entry_id = ?';
const RELEASE_BEFORE = 'DELETE FROM mark_writes_in_flight WHERE entry_id = ?';
const INTENT_STATE =
  'SELECT kind, EXISTS (SELECT 1 FROM audit AS o WHERE o.refers_to = e.id AND o.refers_to IS NOT NULL) AS completed FROM audit AS e WHERE e.id = ?';

/** Writes one intent row per item, in one transaction, before the upstream write. Returns their ids. */
export async function recordIntents(store: Store, intents: AuditIntent[], clock: Clock = systemClock): Promise<string[]> {
  if (intents.length === 0) return [];
  const at = new Date(clock.now());
  return store.write((tx) => appendIntents(tx, store.auditKey, intents, at));
}

/** recordIntents' work, for a caller that commits it with its own writes in its transaction. */
export async function appendIntents(tx: Tx, auditKey: Buffer, intents: readonly AuditIntent[], at: Date): Promise<string[]> {
  const rows = intents.map((intent) => intentContent(intent, at));
  await appendChainRows(tx, auditKey, rows);
  return rows.map((row) => row.id);
}

/**
 * Writes the outcome of earlier intents, in one transaction. Each intent takes exactly one outcome.
 * Its commit does not wait for an fsync (durability 'relaxed'): the intent, synced before the write
 * was sent, already holds what must survive a power cut. An outcome lost to one leaves its intent
 * 'unknown', as a crash between the write and the outcome does, and reconcile.ts settles it from
 * Chat's state. What this saves is one fsync per save, which the person would wait for.
 */
export async function recordOutcomes(store: Store, outcomes: AuditOutcome[], clock: Clock = systemClock): Promise<void> {
  if (outcomes.length === 0) return;
  const at = new Date(clock.now());
  await store.write(
    async (tx) => {
      await appendOutcomes(tx, store.auditKey, outcomes, at);
      for (const outcome of outcomes) await runStatement(tx, RELEASE_BEFORE, [outcome.entryId]);
    },
    { durability: 'relaxed' },
  );
}

/**
 * Keeps the state read before a write whose intent was recorded without it (the intent is committed
 * while that state is being read: mark-writer.ts), until recordOutcomes releases it. Committed
 * before the write is sent, without waiting for an fsync: a crash of the process keeps it, so
 * reconcile.ts can settle the entry with its `before` (and it stays undoable); a power cut may lose
 * it, and the entry is then settled from Chat's state alone. Outside the chain: it only ever feeds
 * the outcome reconcile records, which is chained.
 */
export async function holdBefore(store: Store, held: readonly { entryId: string; before: MarkState }[]): Promise<void> {
  if (held.length === 0) return;
  await store.write(
    async (tx) => {
      for (const { entryId, before } of held) await runStatement(tx, HOLD_BEFORE, [entryId, markStateJson(before)]);
    },
    { durability: 'relaxed' },
  );
}

/** The state holdBefore kept for an intent still without its outcome, or null. */
export async function heldBefore(db: Reader, entryId: string): Promise<MarkState | null> {
  const row = await selectRow<{ before_json: string }>(db, HELD_BEFORE, [entryId]);
  return row === undefined ? null : (JSON.parse(row.before_json) as MarkState);
}

/**
 * recordOutcomes' work, for a caller that commits it together with its own writes in its
 * transaction. Throws AuditError, rolling that transaction back.
 */
export async function appendOutcomes(tx: Tx, auditKey: Buffer, outcomes: readonly AuditOutcome[], at: Date): Promise<void> {
  if (outcomes.length === 0) return;
  const ids = new Set(outcomes.map((outcome) => outcome.entryId));
  if (ids.size !== outcomes.length) throw new AuditError('ALREADY_COMPLETED', 'An intent appears twice in one batch of outcomes.');
  for (const id of ids) {
    const state = await selectRow<{ kind: AuditRow['kind']; completed: 0 | 1 }>(tx, INTENT_STATE, [id]);
    if (state?.kind !== 'intent') throw new AuditError('UNKNOWN_ENTRY', `There is no audit intent ${id}.`);
    if (state.completed) throw new AuditError('ALREADY_COMPLETED', `Audit intent ${id} already has its outcome.`);
  }
  await appendChainRows(
    tx,
    auditKey,
    outcomes.map((outcome) => outcomeContent(outcome, at)),
  );
}

/** Appends complete entries (no upstream write to bracket), in one transaction. Returns their ids. */
export async function recordEntries(
  store: Store,
  entries: AuditOneShotEntry[],
  clock: Clock = systemClock,
): Promise<string[]> {
  if (entries.length === 0) return [];
  const at = new Date(clock.now());
  return store.write((tx) => appendEntries(tx, store.auditKey, entries, at));
}

/** recordEntries' work, for a caller that commits it with its own writes in its transaction. */
export async function appendEntries(tx: Tx, auditKey: Buffer, entries: readonly AuditOneShotEntry[], at: Date): Promise<string[]> {
  const rows = entries.map((entry): AuditContent => {
    const row = intentContent(entry, at);
    row.kind = 'entry';
    row.after_json = markStateJson(entry.after);
    row.status = entry.status;
    row.upstream_code = entry.upstreamCode ?? null;
    row.message = entry.message ?? null;
    return row;
  });
  await appendChainRows(tx, auditKey, rows);
  return rows.map((row) => row.id);
}

export async function recordEntry(store: Store, entry: AuditOneShotEntry, clock: Clock = systemClock): Promise<string> {
  const [id] = await recordEntries(store, [entry], clock);
  return id as string;
}
