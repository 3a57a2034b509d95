// Settles interactive audit entries left 'unknown': an intent was recorded, the write may have been
// sent, and the process stopped (crash, kill -9, power) before the outcome was written. Each is read
// back from Chat and settled with a follow-up outcome — applied (then it can be undone like any
// other change) or not applied — by the same lost-answer rule as every other write (write-policy).
// It runs at start and periodically. Holding the user's lock alone means no write of this process is
// between its intent and its outcome for that user while the entries are looked at again.
import { applyChange, type MarkState } from '../../shared/marks/change';
import { conversationKey } from '../../shared/marks/conversation';
import { isChatError } from '../chat/errors';
import { heldBefore, recordOutcomes, type AuditOutcome } from '../store/audit';
import { auditPages, getAuditEntry, type AuditEntryView } from '../store/audit-query';
import { allOfPages } from '../store/pages';
import { chatUserLocks } from './chat-user-locks';
import { reconcileGroupEntries } from './group-reconcile';
import { EMPTY_MARK_STATE, readMarkStates, type MarkWriterDeps } from './mark-writer';
import { CHAT_USER_NOT_IMPORTED } from './upstream-errors';
import { landed, showsChange } from './write-policy';

export const LANDED_MESSAGE = 'Confirmed from Chat after Markdesk stopped before the answer came: the change is there.';
export const SHOWN_MESSAGE = 'Chat shows this change. Markdesk stopped before it recorded the state before it, so it cannot be undone from here.';
export const NOT_LANDED_MESSAGE = 'Not applied: Markdesk stopped before Chat answered, and Chat does not show this change.';

export type ReconcileReport = { applied: number; notApplied: number; left: number };

type ReconcileLog = { warn(object: Record<string, unknown>, message: string): void };

function unknownEntries(deps: MarkWriterDeps): Promise<AuditEntryView[]> {
  return allOfPages(auditPages(deps.store.read, { status: 'unknown' }));
}

/** Reads back and settles every entry left 'unknown'; those whose Chat user cannot be read now stay for the next run. */
export async function reconcileUnknownEntries(deps: MarkWriterDeps, log?: ReconcileLog): Promise<ReconcileReport> {
  const report: ReconcileReport = { applied: 0, notApplied: 0, left: 0 };
  const byUser = new Map<string, AuditEntryView[]>();
  for (const entry of await unknownEntries(deps)) byUser.set(entry.chatUser, [...(byUser.get(entry.chatUser) ?? []), entry]);
  for (const [chatUser, candidates] of byUser) {
    await chatUserLocks(deps.store).exclusive(chatUser, async () => {
      const entries: AuditEntryView[] = [];
      for (const entry of candidates) if ((await getAuditEntry(deps.store.read, entry.id))?.status === 'unknown') entries.push(entry);
      const held = new Map<string, MarkState | null>();
      for (const entry of entries) if (!entry.before) held.set(entry.id, await heldBefore(deps.store.read, entry.id));
      if (entries.length === 0) return;
      let states;
      try {
        states = await readMarkStates(deps.chat, chatUser, entries.map((entry) => entry.conversation));
      } catch (error) {
        if (!isChatError(error)) throw error;
        // A user Chat does not know has no marks: nothing of its can have landed.
        if (error.code !== CHAT_USER_NOT_IMPORTED) {
          report.left += entries.length;
          log?.warn({ event: 'audit_reconcile_deferred', chatUser, entries: entries.length, upstreamCode: error.code }, 'unknown audit entries not settled yet: Chat could not be read');
          return;
        }
        states = new Map();
      }
      const outcomes = entries.map((entry): AuditOutcome => {
        const current = states.get(conversationKey(entry.conversation)) ?? EMPTY_MARK_STATE;
        // An intent is written while its state is being read (mark-writer.ts), which keeps that
        // state beside it until the outcome. Without either (a stop before the read answered, or a
        // power cut that lost the kept state), Chat shows the request or not; whether this save or
        // an earlier one made it cannot be told, so it is not offered for Undo (which needs `before`).
        const before = entry.before ?? held.get(entry.id) ?? null;
        if (before === null) {
          const shown = showsChange(current, entry.requested);
          report[shown ? 'applied' : 'notApplied']++;
          return shown
            ? { entryId: entry.id, status: 'applied', before: null, after: current, message: SHOWN_MESSAGE }
            : { entryId: entry.id, status: 'failed', before: null, after: current, message: NOT_LANDED_MESSAGE };
        }
        if (landed(before, entry.requested, current)) {
          report.applied++;
          return { entryId: entry.id, status: 'applied', before, after: applyChange(before, entry.requested), message: LANDED_MESSAGE };
        }
        report.notApplied++;
        return { entryId: entry.id, status: 'failed', before, after: current, message: NOT_LANDED_MESSAGE };
      });
      await recordOutcomes(deps.store, outcomes, deps.clock);
    });
  }
  const groups = await reconcileGroupEntries(deps, log);
  report.applied += groups.applied;
  report.notApplied += groups.notApplied;
  report.left += groups.left;
  return report;
}

/** Reconciles now and then every `everyMs`, until stopped. */
export function scheduleReconcile(deps: MarkWriterDeps, log: ReconcileLog & { info(object: Record<string, unknown>, message: string): void }, everyMs: number): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(async () => {
        const report = await reconcileUnknownEntries(deps, log);
        if (report.applied + report.notApplied > 0) log.info({ event: 'audit_reconciled', ...report }, 'audit entries left unknown were settled from Chat');
      })
      .catch((error: unknown) => log.warn({ err: error, event: 'audit_reconcile_failed' }, 'settling unknown audit entries failed; tried again later'));
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
