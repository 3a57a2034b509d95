// Job leases: with several Markdesk instances on one database, which one runs a bulk job (or a
// survey). A job that calls for work — running, or cancelled with its end not recorded yet — is
// worked on only by the instance holding its lease (columns of 0017_job_leases):
// - the holder renews it every LEASE_TICK_MS, and reads the job's state back in the same step: a
//   pause or cancel made on another instance is seen there and its run stopped;
// - every instance looks as often for such jobs whose lease has run out (the holder died or
//   stalled) or that have no holder, and takes them over with a compare-and-swap on the lease
//   columns: two instances looking at once cannot both win;
// - each take raises the lease's epoch. A run keeps the epoch it was started under, and every
//   commit of the run checks it in its own transaction (holdLeaseInTransaction), so a holder that
//   stalled and was taken over commits nothing more, even before it has noticed.
// Times are the instances' clocks (clock.ts), compared across instances: they are assumed to agree
// to well within a second (NTP), far inside the margins below.
//
// One exception to "a live lease is never taken": a holder that is known to be dead. An instance id
// names its host and pid, so an instance on the same host can ask the kernel whether that process
// still exists (leaseHolderGone). A restart after a crash then takes its predecessor's jobs at once
// instead of waiting up to LEASE_MS + LEASE_TICK_MS for the lease to run out. Only on the holder's
// own host, and only when the pid is certainly gone (ESRCH): a pid that is alive — whoever it now
// belongs to — or a holder on another host keeps the normal rule.
//
// Every query is Kysely's builder (no dialect's own words): it runs on SQLite and PostgreSQL alike.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ExpressionBuilder } from 'kysely';
import type { Clock } from '../clock';
import type { Database, Reader, Store, Tx } from '../store/database';

/**
 * How long a lease holds without renewal. Long enough that a renewal can be missed twice (a write
 * waiting out the database's 5 s busy timeout, a long GC pause) without the job changing hands;
 * short enough that a dead holder's job is taken over within LEASE_MS + LEASE_TICK_MS = 25 s of its
 * last renewal — inside the 30 s promised.
 */
export const LEASE_MS = 20_000;

/** How often a holder renews its leases and every instance looks for leases that ran out. */
export const LEASE_TICK_MS = 5_000;

/**
 * A holder sends a mark_contact call only while its lease has at least this long left. A call sent
 * at the last allowed moment then has 8 s to reach Chat (whose server gives up on a request after
 * 3 s) before any other instance may take the job over and read Chat's state to settle the calls
 * left unanswered — so a stalled holder's late call cannot land after that read and be sent again.
 * With renewals every 5 s a lease normally has 15–20 s left: sends stop only after two renewals
 * in a row failed (and one is tried first, see HeldLease.sendable).
 */
export const SEND_MARGIN_MS = 8_000;

export type LeaseTable = 'jobs' | 'surveys';

/** Which take of the lease a run works under: its commits are refused once another take happened. */
export type LeaseFence = { owner: string; epoch: number };

/** The lease a run was started under is no longer held: another instance took the job over. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
  constructor(table: LeaseTable, id: string) {
    super(`The lease on ${table === 'jobs' ? 'job' : 'survey'} ${id} is held by another instance now; this run stops without committing more.`);
  }
}

/**
 * A new instance id, `host:pid:random`: random per process, with the host and pid so that an
 * operator can tell who holds what, and an instance on the same host whether its holder still lives
 * (leaseHolderGone).
 */
export function newInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** Whether a process with this pid exists on this host (as far as this process can see). */
export type ProcessAlive = (pid: number) => boolean;

/**
 * Signal 0 checks for the process without touching it: ESRCH means there is none. EPERM (a process
 * of another user) or anything else counts as alive: only a certain "gone" lets a lease be taken early.
 */
export const processAlive: ProcessAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
};

/**
 * Whether a lease's holder is certainly dead, so that its lease may be taken before it runs out: the
 * holder is an instance id (newInstanceId) of this host whose process no longer exists. Anything
 * else — another host, a live pid (even one reused by an unrelated process), an id of another form —
 * is a holder that may still be working: its lease holds until it runs out.
 *
 * What this gives up, and relies on:
 * - A lapsed lease also guarantees that a call its holder sent has had SEND_MARGIN_MS to reach
 *   Chat before the new holder reads Chat's state. A dead holder's lease is taken without that
 *   wait: a call it sent in its last moment may still land (Chat answers or gives up within 3 s)
 *   after the new holder's read — a restart takes about as long; an instance of the same host that
 *   was running all along takes it at its next lease step. Such a line is then recorded as
 *   unchanged, or sent once more (a delta: the same marks); nothing is lost and no entry doubled.
 * - Instances that share a host name share a pid namespace. Two containers with one host name and
 *   pid namespaces of their own (e.g. host networking) would each see the other's pid as gone and
 *   take each other's jobs at every step; give each instance a host name of its own there.
 */
export function leaseHolderGone(holder: string, here: { host: string; alive: ProcessAlive } = { host: hostname(), alive: processAlive }): boolean {
  const match = /^(.+):(\d{1,10}):[0-9a-f]+$/.exec(holder);
  if (!match) return false;
  const pid = Number(match[2]);
  // (This process's own pid is alive: another runner of this process is never taken for dead.)
  return match[1] === here.host && pid > 0 && !here.alive(pid);
}

/** A row's lease and state, as the holder reads them back when it renews. */
export type LeaseRow = { id: string; state: string; finishedAt: string | null; owner: string | null; epoch: number };

// jobs and surveys carry the same lease columns, and id, state, finished_at and seq. The queries are
// written once against that common part: the table is named as `jobs` for the query builder's types.
type CommonTable = 'jobs';
const common = (table: LeaseTable) => table as CommonTable;

/** Jobs that call for work: running, or cancelled with the end not recorded (runner.ts finishCancelled). Surveys: running. */
function callsForWork(table: LeaseTable) {
  return (eb: ExpressionBuilder<Database, CommonTable>) =>
    table === 'jobs'
      ? eb.or([eb('state', '=', 'running'), eb.and([eb('state', '=', 'cancelled'), eb('finished_at', 'is', null)])])
      : eb('state', '=', 'running');
}

/**
 * The compare-and-swap that takes a lease: the job calls for work, and nobody holds it, its lease ran
 * out, or its holder is certainly dead (leaseHolderGone; the caller read who that is, in the same
 * transaction). The epoch goes up: runs under an earlier take are fenced out. Null when the job calls
 * for no work, or a live lease is held — by another instance, or by this one for other work of its
 * own. So a live lease has one holder, and one take.
 */
async function compareAndTake(tx: Tx, table: LeaseTable, id: string, owner: string, nowMs: number, goneHolder: string | null): Promise<LeaseFence | null> {
  const { numUpdatedRows } = await tx
    .updateTable(common(table))
    .set((eb) => ({ lease_owner: owner, lease_expires_at: nowMs + LEASE_MS, lease_epoch: eb('lease_epoch', '+', 1) }))
    .where('id', '=', id)
    .where(callsForWork(table))
    .where((eb) =>
      eb.or([eb('lease_owner', 'is', null), eb('lease_expires_at', '<', nowMs), ...(goneHolder !== null ? [eb('lease_owner', '=', goneHolder)] : [])]),
    )
    .executeTakeFirst();
  if (Number(numUpdatedRows) !== 1) return null;
  const { lease_epoch: epoch } = await tx.selectFrom(common(table)).select('lease_epoch').where('id', '=', id).executeTakeFirstOrThrow();
  return { owner, epoch };
}

/** The holder of a live lease if it is certainly dead (a crashed predecessor on this host), else null. */
function goneHolderOf(row: { lease_owner: string | null }, owner: string, holderGone: (holder: string) => boolean): string | null {
  return row.lease_owner !== null && row.lease_owner !== owner && holderGone(row.lease_owner) ? row.lease_owner : null;
}

/**
 * Takes the lease if the job calls for work and nobody live holds it (none, a lease that ran out, or
 * a holder that is certainly dead). Null otherwise. `holderGone` is leaseHolderGone unless a test
 * gives another.
 */
export async function takeLeaseInTransaction(
  tx: Tx,
  table: LeaseTable,
  id: string,
  owner: string,
  nowMs: number,
  holderGone: (holder: string) => boolean = leaseHolderGone,
): Promise<LeaseFence | null> {
  const row = await tx.selectFrom(common(table)).select('lease_owner').where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return compareAndTake(tx, table, id, owner, nowMs, goneHolderOf(row, owner, holderGone));
}

/**
 * Takes over, in one write transaction, every job that calls for work and has no live holder (none,
 * a lease that ran out, or a holder that is certainly dead), except `busy` ones (work for them is
 * going on here already).
 */
export async function takeOverLeases(
  store: Store,
  table: LeaseTable,
  owner: string,
  nowMs: number,
  busy: ReadonlySet<string>,
  holderGone: (holder: string) => boolean = leaseHolderGone,
): Promise<{ id: string; fence: LeaseFence; from: string | null }[]> {
  return store.write(async (tx) => {
    // Every job that calls for work (a few at most): which of their holders are gone is decided here.
    const rows = await tx.selectFrom(common(table)).select(['id', 'lease_owner', 'lease_expires_at']).where(callsForWork(table)).orderBy('seq').execute();
    const taken: { id: string; fence: LeaseFence; from: string | null }[] = [];
    for (const row of rows) {
      if (busy.has(row.id)) continue;
      const gone = goneHolderOf(row, owner, holderGone);
      const free = row.lease_owner === null || (row.lease_expires_at !== null && row.lease_expires_at < nowMs) || gone !== null;
      if (!free) continue;
      const fence = await compareAndTake(tx, table, row.id, owner, nowMs, gone);
      if (fence) taken.push({ id: row.id, fence, from: row.lease_owner });
    }
    return taken;
  });
}

/** Extends this instance's leases on `ids` and reads back each row's holder and state, in one transaction. */
export async function renewLeases(store: Store, table: LeaseTable, owner: string, ids: readonly string[], nowMs: number): Promise<Map<string, LeaseRow>> {
  return store.write(async (tx) => {
    await tx.updateTable(common(table)).set({ lease_expires_at: nowMs + LEASE_MS }).where('lease_owner', '=', owner).where('id', 'in', ids).execute();
    const rows = await tx
      .selectFrom(common(table))
      .select(['id', 'state', 'finished_at', 'lease_owner', 'lease_epoch'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((row) => [row.id, { id: row.id, state: row.state, finishedAt: row.finished_at, owner: row.lease_owner, epoch: row.lease_epoch }]));
  });
}

/** Gives the lease up, if it is still this take of it; the epoch stays (it only goes up). */
export async function releaseLease(store: Store, table: LeaseTable, id: string, fence: LeaseFence): Promise<void> {
  await store.write((tx) =>
    tx
      .updateTable(common(table))
      .set({ lease_owner: null, lease_expires_at: null })
      .where('id', '=', id)
      .where('lease_owner', '=', fence.owner)
      .where('lease_epoch', '=', fence.epoch)
      .execute(),
  );
}

/**
 * The fence of a run's commit, first thing in its transaction: throws LeaseLostError unless the
 * lease is still the take the run was started under. An UPDATE that changes nothing rather than a
 * SELECT: on PostgreSQL it also locks the row until the commit, so a takeover waits for this commit
 * and then sees it — on SQLite the transaction holds the write lock anyway.
 */
export async function holdLeaseInTransaction(tx: Tx, table: LeaseTable, id: string, fence: LeaseFence): Promise<void> {
  const { numUpdatedRows } = await tx
    .updateTable(common(table))
    .set((eb) => ({ lease_epoch: eb.ref('lease_epoch') }))
    .where('id', '=', id)
    .where('lease_owner', '=', fence.owner)
    .where('lease_epoch', '=', fence.epoch)
    .executeTakeFirst();
  if (Number(numUpdatedRows) !== 1) throw new LeaseLostError(table, id);
}

/** Who holds a job's lease now (tests, diagnostics). */
export async function leaseOf(db: Reader, table: LeaseTable, id: string): Promise<{ owner: string | null; expiresAt: number | null; epoch: number } | null> {
  const row = await db.selectFrom(common(table)).select(['lease_owner', 'lease_expires_at', 'lease_epoch']).where('id', '=', id).executeTakeFirst();
  return row ? { owner: row.lease_owner, expiresAt: row.lease_expires_at === null ? null : Number(row.lease_expires_at), epoch: row.lease_epoch } : null;
}

/** A lease this instance holds, as its run sees it. */
export class HeldLease {
  /** When the lease runs out as this instance last wrote it (its own clock). */
  validUntil: number;
  /** Set once a renewal found another take of the lease: nothing more is sent or committed. */
  lost = false;

  constructor(
    readonly id: string,
    readonly fence: LeaseFence,
    validUntil: number,
    private readonly clock: Clock,
    private readonly renew: () => Promise<void>,
  ) {
    this.validUntil = validUntil;
  }

  /**
   * Whether a call may leave now: the lease has SEND_MARGIN_MS left. When it has not (renewals
   * failed or the process stalled), one renewal is tried first; false means send nothing.
   */
  async sendable(): Promise<boolean> {
    if (!this.lost && this.validUntil - this.clock.now() >= SEND_MARGIN_MS) return true;
    if (!this.lost) await this.renew();
    return !this.lost && this.validUntil - this.clock.now() >= SEND_MARGIN_MS;
  }
}
