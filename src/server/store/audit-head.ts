// Anchoring the chain's head outside the database. Someone holding the database file could cut
// rows off the end and lower sqlite_sequence so nothing inside the file shows it. The log is kept
// elsewhere: a `{"event":"audit_head","seq":…,"hash":…}` line for every 1,000th row, for the head at
// least every 10 minutes when it moved, and at start and shutdown. Asking the chain check whether
// the log still reaches a logged head (GET /api/audit/verify?expectHead=SEQ:HASH) reveals the cut.
// Rows are appended on the main connection and by the ledger worker; this polls the database (one
// indexed read) from the main thread, so both are covered.
import type { Store } from './database';
import { chainHead } from './audit-verify';
import { type Clock } from '../clock';

export const HEAD_EVERY_ENTRIES = 1_000;
export const HEAD_EVERY_MS = 10 * 60_000;
export const HEAD_POLL_MS = 1_000;

export type HeadLog = (fields: { event: 'audit_head'; seq: number; hash: string }, message: string) => void;

export type HeadAnchor = {
  /** Logs what is due now: each 1,000th row since the last check, and the head when its time has come. */
  check(): void;
  /** Logs the head if it moved since it was last logged (at shutdown). */
  flush(): void;
  /** Checks every HEAD_POLL_MS until stop() (the timer never keeps the process alive). */
  start(): void;
  stop(): void;
};

export function createHeadAnchor(options: { store: Store; log: HeadLog; clock: Clock; everyEntries?: number; everyMs?: number }): HeadAnchor {
  const { store, log, clock } = options;
  const everyEntries = options.everyEntries ?? HEAD_EVERY_ENTRIES;
  const everyMs = options.everyMs ?? HEAD_EVERY_MS;
  const milestones = store.sqlite.prepare('SELECT seq, hash FROM audit WHERE seq > ? AND seq <= ? AND seq % ? = 0 ORDER BY seq');
  let loggedSeq = 0;
  let loggedAt = clock.now();
  let timer: NodeJS.Timeout | null = null;

  const emit = (head: { seq: number; hash: string }) => {
    log({ event: 'audit_head', seq: head.seq, hash: head.hash }, 'audit chain head');
    loggedSeq = head.seq;
    loggedAt = clock.now();
  };

  const flush = () => {
    const head = chainHead(store);
    if (head && head.seq !== loggedSeq) emit(head);
  };

  // The head at start, so a restart after tampering has an anchor from before it.
  flush();

  return {
    check() {
      const head = chainHead(store);
      if (!head || head.seq === loggedSeq) return;
      for (const row of milestones.all(loggedSeq, head.seq, everyEntries) as { seq: number; hash: string }[]) emit(row);
      if (head.seq !== loggedSeq && clock.now() - loggedAt >= everyMs) emit(head);
    },
    flush,
    start() {
      timer ??= setInterval(() => this.check(), HEAD_POLL_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
