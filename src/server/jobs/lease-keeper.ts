// The leases one runner holds (leases.ts), kept alive: every LEASE_TICK_MS it renews them, reading
// each job's state back, and — from the server's start on — takes over the jobs whose holder
// stopped renewing. The bulk job runner and the survey runner have one each.
//
// The database out of reach (PostgreSQL restarting, a failover): a step that cannot reach it does
// nothing and the next one tries again; the first such failure is logged, the rest of the outage is
// not (a step every 5 s would fill the log), and the return is logged once. A renewal that cannot
// reach it tells the runs under those leases (onUnavailable): they stop and give their work up,
// leaving the job as it is. A lease whose release could not reach the database is released again
// at each step until it can be; the same step's scan then takes the job over — this instance or
// another — and its work goes on from what the database holds, as after a restart.
import type { Clock } from '../clock';
import { isDatabaseUnavailable, type Store } from '../store/database';
import {
  HeldLease,
  LEASE_MS,
  LEASE_TICK_MS,
  releaseLease,
  renewLeases,
  takeLeaseInTransaction,
  takeOverLeases,
  type LeaseFence,
  type LeaseRow,
  type LeaseTable,
} from './leases';

export type LeaseKeeperOptions = {
  store: Store;
  table: LeaseTable;
  instanceId: string;
  clock: Clock;
  log: { info(fields: object, message: string): void; warn(fields: object, message: string): void };
  /** False: no timer of its own, tick() runs only when called (tests drive it in fake time). */
  timer: boolean;
  /** Ids with work going on here: never taken over (their lease is renewed instead, if still theirs). */
  busy(): Iterable<string>;
  /** A renewal read a held row back: its state may have been changed on another instance. */
  onRenewed(lease: HeldLease, row: LeaseRow): void;
  /** A renewal found another take of the lease: its run must stop at once, committing nothing more. */
  onLost(lease: HeldLease): void;
  /** A job taken over from a holder that stopped renewing, or from nobody: its work starts. */
  onTaken(lease: HeldLease): void;
  /**
   * A renewal could not reach the database: the lease's run should stop, giving its work up (its
   * lease is released once the database answers, and the job taken up again). Absent: runs go on.
   */
  onUnavailable?(lease: HeldLease): void;
};

export class LeaseKeeper {
  private readonly held = new Map<string, HeldLease>();
  private scanning = false;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;
  private ticking: Promise<void> | null = null;
  /** Leases given up while the database could not be reached: released at the next steps, once it can be. */
  private readonly unreleased = new Map<string, HeldLease>();
  /** Set from the first step that could not reach the database until one that could: the outage is logged once. */
  private outage = false;

  constructor(private readonly options: LeaseKeeperOptions) {}

  get instanceId(): string {
    return this.options.instanceId;
  }

  private get subject(): string {
    return this.options.table === 'jobs' ? 'job' : 'survey';
  }

  /** Takes the lease if nobody live holds it (none, a lease that ran out, a dead holder: leases.ts); null when a live lease is held (by another instance, usually). */
  async take(id: string): Promise<HeldLease | null> {
    const now = this.options.clock.now();
    const fence = await this.options.store.write((tx) => takeLeaseInTransaction(tx, this.options.table, id, this.options.instanceId, now));
    return fence ? this.hold(id, fence, now) : null;
  }

  /** A lease taken at `takenAt` (in a caller's transaction, or by a takeover): renewed from now on. */
  hold(id: string, fence: LeaseFence, takenAt: number): HeldLease {
    const lease = new HeldLease(id, fence, takenAt + LEASE_MS, this.options.clock, () => this.renew());
    this.held.set(id, lease);
    this.startTimer();
    return lease;
  }

  /**
   * Gives the lease up once its work is over (if it is still this take). When the database cannot
   * be reached, it is released at a later step, once it can be; any other failure only logs — it runs out.
   */
  async release(lease: HeldLease): Promise<void> {
    if (this.held.get(lease.id) === lease) this.held.delete(lease.id);
    if (lease.lost) return;
    try {
      await releaseLease(this.options.store, this.options.table, lease.id, lease.fence);
      this.reached();
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        this.unreleased.set(lease.id, lease);
        this.unreachable(error);
      } else this.options.log.warn({ err: error, [this.subject]: lease.id }, 'lease not released; it runs out instead');
    }
  }

  /** From the server's start on: every tick also takes over the jobs nobody live holds. */
  startScanning(): void {
    this.scanning = true;
    this.startTimer();
  }

  /** No more takeovers (shutdown begins); held leases are still renewed while their runs drain. */
  stopScanning(): void {
    this.scanning = false;
  }

  /** No timer any more (the runs drained, or the shutdown's time is up): what is still held runs out. */
  stop(): void {
    this.scanning = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * One step: renew what is held, then take over what nobody live holds. Steps run one after the
   * other: one asked for while another runs (resumeInterrupted during a timer's step) runs after it,
   * so that it looks for work with what it was asked for in place.
   */
  tick(): Promise<void> {
    // (A step that failed was reported to whoever asked for it; the next one runs regardless.)
    const step = (this.ticking ?? Promise.resolve()).catch(() => {}).then(async () => {
      await this.renew();
      await this.releaseUnreleased();
      await this.scan();
    });
    const tracked: Promise<void> = step.finally(() => {
      if (this.ticking === tracked) this.ticking = null;
    });
    this.ticking = tracked;
    return tracked;
  }

  /** Renews every held lease; a run whose sends wait for it shares the one renewal under way. */
  renew(): Promise<void> {
    this.renewing ??= this.renewHeld().finally(() => (this.renewing = null));
    return this.renewing;
  }

  private startTimer(): void {
    if (!this.options.timer || this.timer) return;
    // A step still running when the next is due (a slow database) is not queued behind: skipped.
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.tick().catch((error: unknown) => this.options.log.warn({ err: error, event: 'lease_step_failed' }, 'lease step failed; tried again at the next tick'));
    }, LEASE_TICK_MS);
    this.timer.unref();
  }

  private async renewHeld(): Promise<void> {
    const leases = [...this.held.values()];
    if (leases.length === 0) return;
    const { store, table, instanceId, clock, log } = this.options;
    // The expiry written counts from before the write: the lease is never believed longer than it is.
    const startedAt = clock.now();
    let rows: Map<string, LeaseRow>;
    try {
      rows = await renewLeases(store, table, instanceId, leases.map((lease) => lease.id), startedAt);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) {
        log.warn({ err: error, event: 'lease_renewal_failed' }, 'leases not renewed; tried again at the next tick');
        return;
      }
      this.unreachable(error);
      // Whether the runs may go on is unknown: they stop now rather than send what they cannot record.
      for (const lease of leases) if (this.held.get(lease.id) === lease) this.options.onUnavailable?.(lease);
      return;
    }
    this.reached();
    for (const lease of leases) {
      // Released while the renewal ran: its work is over.
      if (this.held.get(lease.id) !== lease) continue;
      const row = rows.get(lease.id);
      if (row?.owner !== lease.fence.owner || row.epoch !== lease.fence.epoch) {
        lease.lost = true;
        this.held.delete(lease.id);
        log.warn({ event: 'lease_lost', [this.subject]: lease.id, holder: row?.owner ?? null }, `${this.subject} taken over by another instance; its run here stops`);
        this.options.onLost(lease);
        continue;
      }
      lease.validUntil = startedAt + LEASE_MS;
      this.options.onRenewed(lease, row);
    }
  }

  /**
   * The leases whose release could not reach the database, released now if it can (a lease taken
   * over meanwhile is left alone: the release checks the take). Before the scan, which then finds
   * their jobs free. Stops at the first that still cannot.
   */
  private async releaseUnreleased(): Promise<void> {
    const { store, table } = this.options;
    for (const lease of [...this.unreleased.values()]) {
      try {
        await releaseLease(store, table, lease.id, lease.fence);
      } catch (error) {
        if (isDatabaseUnavailable(error)) return this.unreachable(error);
        this.options.log.warn({ err: error, [this.subject]: lease.id }, 'lease not released; it runs out instead');
      }
      if (this.unreleased.get(lease.id) === lease) this.unreleased.delete(lease.id);
      this.reached();
    }
  }

  /** A step could not reach the database: said once per outage. */
  private unreachable(error: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.options.log.warn(
      { err: error, event: 'lease_database_unavailable', instance: this.options.instanceId },
      `the database cannot be reached: ${this.subject} leases are neither renewed nor taken over until it answers`,
    );
  }

  /** A step reached the database: the end of an outage, if there was one, is said once. */
  private reached(): void {
    if (!this.outage) return;
    this.outage = false;
    this.options.log.info({ event: 'lease_database_back', instance: this.options.instanceId }, `the database answers again: ${this.subject} leases are renewed and taken over again`);
  }

  private async scan(): Promise<void> {
    if (!this.scanning) return;
    const { store, table, instanceId, clock, log } = this.options;
    const now = clock.now();
    const busy = new Set([...this.options.busy(), ...this.held.keys()]);
    let taken: Awaited<ReturnType<typeof takeOverLeases>>;
    try {
      taken = await takeOverLeases(store, table, instanceId, now, busy);
    } catch (error) {
      if (isDatabaseUnavailable(error)) this.unreachable(error);
      else log.warn({ err: error, event: 'lease_scan_failed' }, 'looking for work to take over failed; tried again at the next tick');
      return;
    }
    this.reached();
    for (const { id, fence, from } of taken) {
      if (from !== null) log.info({ event: 'lease_taken_over', [this.subject]: id, from, instance: instanceId }, `${this.subject} taken over from an instance that stopped renewing its lease or whose process is gone`);
      this.options.onTaken(this.hold(id, fence, now));
    }
  }
}
