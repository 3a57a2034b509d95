// The chain check. It walks every row in append order and recomputes its link: plain SHA-256 below
// the recorded start of the keyed chain, HMAC-SHA-256 under the audit key from there on. It does not
// stop at the first problem: each row is checked against what is stored before it, so one edit is
// one break and a later edit is reported too. It runs in slices of a time budget with the event
// loop free between them, so other requests keep being answered on a large log.
import { chainHash, HIGHEST_AUDIT_SEQ, keyedChainHash, readKeyedStart, type AuditRow } from './audit-chain';
import { repairHolds, type RepairDetails } from './audit-repair';
import type { Reader, Store } from './database';
import { selectRow, selectRows } from './sql';

/**
 * missing-before: rows before this one were removed; unlinked: its prev_hash is not the hash of the
 * row before; changed: its content no longer gives its hash; missing-after: rows were cut off the
 * end; start-record: the record of where keyed rows begin is missing or was changed.
 */
export const CHAIN_PROBLEMS = ['missing-before', 'unlinked', 'changed', 'missing-after', 'start-record'] as const;
export type ChainProblem = (typeof CHAIN_PROBLEMS)[number];
export type ChainBreak = { at: string; seq?: number; problem: ChainProblem };

export type AuditChainVerdict = {
  ok: boolean;
  /** Rows checked. */
  checked: number;
  /** Where the first problem is: a row id, 'end-of-log', or 'chain-start' (the keyed start record). */
  brokenAt?: string;
  problem?: ChainProblem;
  /** The problems found, in log order, at most MAX_REPORTED_BREAKS of them. */
  breaks: ChainBreak[];
  /** How many problems there are in all. */
  breakCount: number;
  /** Old rows accepted because a keyed repair entry vouches for them (audit-repair.ts). */
  repaired: number;
  /** The last row checked. */
  head: { seq: number; hash: string } | null;
};

export type ChainProgress = { checked: number; total: number };

export const MAX_REPORTED_BREAKS = 50;
/** Time a slice may hold the event loop; well under what a person notices. */
export const VERIFY_SLICE_BUDGET_MS = 25;
const CHUNK_ROWS = 2_000;

export type VerifyOptions = {
  /** Milliseconds per slice (VERIFY_SLICE_BUDGET_MS). A slice ends once this much time is used. */
  budgetMs?: number;
  /** The time source for the budget (performance.now); tests pass their own. */
  now?: () => number;
  /** Rows read per query. */
  chunkRows?: number;
  /** Runs between slices (setImmediate by default). */
  pause?: () => Promise<void>;
  onProgress?: (progress: ChainProgress) => void;
};

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One walk over the chain, advanced a slice at a time. */
export class ChainWalk {
  private keyedFrom = 1;
  private readonly repairs = new Map<string, { details: RepairDetails; repairSeq: number }>();
  /** Rows accepted on the word of a repair row not yet reached: repair seq → rows. */
  private readonly pending = new Map<number, AuditRow[]>();
  private readonly breaks: ChainBreak[] = [];
  private breakCount = 0;
  private repaired = 0;
  private prevHash = '0'.repeat(64);
  private lastSeq = 0;
  private checked = 0;
  private buffer: AuditRow[] = [];
  private finished = false;
  private total = 0;

  private constructor(
    private readonly db: Reader,
    private readonly auditKey: Buffer,
    private readonly options: VerifyOptions,
  ) {}

  /** A walk from the log's first row, with the start record and the repair rows read. */
  static async start(db: Reader, auditKey: Buffer, options: VerifyOptions = {}): Promise<ChainWalk> {
    const walk = new ChainWalk(db, auditKey, options);
    const start = await readKeyedStart(db, auditKey);
    if (start === null) walk.report({ at: 'chain-start', problem: 'start-record' });
    // Without a trustworthy start, every row must carry a valid MAC.
    walk.keyedFrom = start ?? 1;
    for (const row of await selectRows<{ seq: number; details_json: string }>(db, `SELECT seq, details_json FROM audit WHERE kind = 'repair' ORDER BY seq`)) {
      try {
        const details = JSON.parse(row.details_json) as RepairDetails;
        if (typeof details.id === 'string') walk.repairs.set(details.id, { details, repairSeq: row.seq });
      } catch {
        // A repair row that is not JSON vouches for nothing (and fails its own MAC if it was edited).
      }
    }
    walk.total = await walk.highestSeq();
    return walk;
  }

  progress(): ChainProgress {
    return { checked: this.checked, total: Math.max(this.total, this.checked) };
  }

  private async highestSeq(): Promise<number> {
    return (await selectRow<{ seq: number }>(this.db, HIGHEST_AUDIT_SEQ))?.seq ?? 0;
  }

  private report(problem: ChainBreak): void {
    this.breakCount++;
    if (this.breaks.length < MAX_REPORTED_BREAKS) this.breaks.push(problem);
  }

  private check(row: AuditRow): void {
    const broken = (problem: ChainProblem) => this.report({ at: row.id, seq: row.seq, problem });
    const keyed = row.seq >= this.keyedFrom;
    const expected = keyed ? keyedChainHash(this.auditKey, row.prev_hash, row) : chainHash(row.prev_hash, row);
    // AUTOINCREMENT never reuses or skips a committed seq, so a gap means removed rows.
    if (row.seq !== this.lastSeq + 1) broken('missing-before');
    else if (row.prev_hash !== this.prevHash) broken('unlinked');
    else if (expected !== row.hash) {
      const repair = keyed ? undefined : this.repairs.get(row.id);
      if (repair && repair.repairSeq > row.seq && repairHolds(row, repair.details)) {
        this.pending.set(repair.repairSeq, [...(this.pending.get(repair.repairSeq) ?? []), row]);
      } else broken('changed');
    }
    // A repair row vouches for its rows only when it is intact itself.
    const vouched = this.pending.get(row.seq);
    if (vouched) {
      this.pending.delete(row.seq);
      const intact = row.kind === 'repair' && expected === row.hash && row.prev_hash === this.prevHash;
      if (intact) this.repaired += vouched.length;
      else for (const target of vouched) this.report({ at: target.id, seq: target.seq, problem: 'changed' });
    }
    this.prevHash = row.hash;
    this.lastSeq = row.seq;
    this.checked++;
  }

  /** Checks rows until the budget is used or the log ends; true once the walk is over. */
  async step(): Promise<boolean> {
    if (this.finished) return true;
    const now = this.options.now ?? (() => performance.now());
    const budget = this.options.budgetMs ?? VERIFY_SLICE_BUDGET_MS;
    const started = now();
    for (;;) {
      if (this.buffer.length === 0) {
        // The highest seq ever used is read before the rows: a row appended in between shows up in
        // the read, and the walk goes on; with none there, a higher seq means rows cut off the end.
        const highest = await this.highestSeq();
        this.buffer = await selectRows<AuditRow>(this.db, 'SELECT * FROM audit WHERE seq > ? ORDER BY seq LIMIT ?', [this.lastSeq, this.options.chunkRows ?? CHUNK_ROWS]);
        if (this.buffer.length === 0) return this.finish(highest);
      }
      this.check(this.buffer.shift()!);
      if (now() - started >= budget) return false;
    }
  }

  private finish(highestSeq: number): true {
    // The highest seq ever used, more than we saw, means rows cut off the end.
    if (highestSeq > this.lastSeq) this.report({ at: 'end-of-log', problem: 'missing-after' });
    for (const rows of this.pending.values()) {
      for (const row of rows) this.report({ at: row.id, seq: row.seq, problem: 'changed' });
    }
    this.pending.clear();
    this.breaks.sort((a, b) => (a.seq ?? (a.at === 'chain-start' ? 0 : Infinity)) - (b.seq ?? (b.at === 'chain-start' ? 0 : Infinity)));
    this.finished = true;
    return true;
  }

  verdict(): AuditChainVerdict {
    const first = this.breaks[0];
    return {
      ok: this.breakCount === 0,
      checked: this.checked,
      ...(first ? { brokenAt: first.at, problem: first.problem } : {}),
      breaks: [...this.breaks],
      breakCount: this.breakCount,
      repaired: this.repaired,
      head: this.lastSeq === 0 ? null : { seq: this.lastSeq, hash: this.prevHash },
    };
  }
}

/** The whole check in one go, without yielding between slices; for tests and small logs. */
export async function verifyAuditChain(store: Pick<Store, 'read' | 'auditKey'>): Promise<AuditChainVerdict> {
  const walk = await ChainWalk.start(store.read, store.auditKey, { budgetMs: Infinity });
  while (!(await walk.step()));
  return walk.verdict();
}

/** The check in time-budgeted slices, letting other work run between them. */
export async function verifyAuditChainAsync(store: Pick<Store, 'read' | 'auditKey'>, options: VerifyOptions = {}): Promise<AuditChainVerdict> {
  const walk = await ChainWalk.start(store.read, store.auditKey, options);
  while (!(await walk.step())) {
    options.onProgress?.(walk.progress());
    await (options.pause ?? nextTurn)();
  }
  options.onProgress?.(walk.progress());
  return walk.verdict();
}

/**
 * Whether the log still reaches a head logged earlier (`{seq, hash}` of an audit_head line):
 * false when there is no row at that seq any more or it has another hash — rows were cut off the
 * end, even if sqlite_sequence was lowered to hide it.
 */
export async function reachesHead(db: Reader, head: { seq: number; hash: string }): Promise<boolean> {
  const row = await db.selectFrom('audit').select('hash').where('seq', '=', head.seq).executeTakeFirst();
  return row?.hash === head.hash;
}

/** The newest row's seq and hash, or null on an empty log. */
export async function chainHead(db: Reader): Promise<{ seq: number; hash: string } | null> {
  return (await db.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()) ?? null;
}
