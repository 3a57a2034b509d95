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
import { selectRows } from './sql';

const MILESTONES = 'SELECT seq, hash FROM audit WHERE seq > ? AND seq <= ? AND seq % ? = 0 ORDER BY seq';

export const HEAD_EVERY_ENTRIES = 1_000;
export const HEAD_EVERY_MS = 10 * 60_000;
export const HEAD_POLL_MS = 1_000;

export type HeadLog = (fields: { event: 'audit_head'; seq: number; hash: string }, message: string) => void;

export type HeadAnchor = {
  /** Logs what is due now: each 1,000th row since the last check, and the head when its time has come. */
  check(): Promise<void>;
  /** Logs the head if it moved since it was last logged (at shutdown). */
  flush(): Promise<void>;
  /** Checks every HEAD_POLL_MS until stop() (the timer never keeps the process alive). */
  start(): void;
  stop(): void;
};

/** The anchor, once it has logged the head at start (so a restart after tampering has an anchor from before it). */
export async function createHeadAnchor(options: {
  store: Store;
  log: HeadLog;
  clock: Clock;
  everyEntries?: number;
  everyMs?: number;
  /** A timed check that failed (the next one tries again). */
  onError?: (error: unknown) => void;
}): Promise<HeadAnchor> {
  const { store, log, clock } = options;
  const everyEntries = options.everyEntries ?? HEAD_EVERY_ENTRIES;
  const everyMs = options.everyMs ?? HEAD_EVERY_MS;
  let loggedSeq = 0;
  let loggedAt = clock.now();
  let timer: NodeJS.Timeout | null = null;

  const emit = (head: { seq: number; hash: string }) => {
    log({ event: 'audit_head', seq: head.seq, hash: head.hash }, 'audit chain head');
    loggedSeq = head.seq;
    loggedAt = clock.now();
  };

  const flush = async () => {
    const head = await chainHead(store.read);
    if (head && head.seq !== loggedSeq) emit(head);
  };
  // One check at a time: the timer's next one waits out a slow one instead of logging twice.
  let checking: Promise<void> | null = null;
  const check = async () => {
    const head = await chainHead(store.read);
    if (!head || head.seq === loggedSeq) return;
    const milestones = await selectRows<{ seq: number; hash: string }>(store.read, MILESTONES, [loggedSeq, head.seq, everyEntries]);
    for (const row of milestones) emit(row);
    if (head.seq !== loggedSeq && clock.now() - loggedAt >= everyMs) emit(head);
  };

  await flush();

  return {
    check,
    flush,
    start() {
      timer ??= setInterval(() => {
        checking ??= check()
          .catch((error: unknown) => options.onError?.(error))
          .finally(() => (checking = null));
      }, HEAD_POLL_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
