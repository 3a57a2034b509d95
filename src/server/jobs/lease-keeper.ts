// The leases one runner holds (leases.ts), kept alive: every LEASE_TICK_MS it renews them, reading
// each job's state back, and — from the server's start on — takes over the jobs whose holder
// stopped renewing. The bulk job runner and the survey runner have one each.
import type { Clock } from '../clock';
import type { Store } from '../store/database';
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
};

export class LeaseKeeper {
  private readonly held = new Map<string, HeldLease>();
  private scanning = false;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly options: LeaseKeeperOptions) {}

  get instanceId(): string {
    return this.options.instanceId;
  }

  private get subject(): string {
    return this.options.table === 'jobs' ? 'job' : 'survey';
  }

  /** Takes the lease if nobody holds it or the lease ran out; null when a live lease is held (by another instance, usually). */
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

  /** Gives the lease up once its work is over (if it is still this take); a failure only logs — it runs out. */
  async release(lease: HeldLease): Promise<void> {
    if (this.held.get(lease.id) === lease) this.held.delete(lease.id);
    if (lease.lost) return;
    await releaseLease(this.options.store, this.options.table, lease.id, lease.fence).catch((error: unknown) =>
      this.options.log.warn({ err: error, [this.subject]: lease.id }, 'lease not released; it runs out instead'),
    );
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
      log.warn({ err: error, event: 'lease_renewal_failed' }, 'leases not renewed; tried again at the next tick');
      return;
    }
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

  private async scan(): Promise<void> {
    if (!this.scanning) return;
    const { store, table, instanceId, clock, log } = this.options;
    const now = clock.now();
    const busy = new Set([...this.options.busy(), ...this.held.keys()]);
    let taken: Awaited<ReturnType<typeof takeOverLeases>>;
    try {
      taken = await takeOverLeases(store, table, instanceId, now, busy);
    } catch (error) {
      log.warn({ err: error, event: 'lease_scan_failed' }, 'looking for work to take over failed; tried again at the next tick');
      return;
    }
    for (const { id, fence, from } of taken) {
      if (from !== null) log.info({ event: 'lease_taken_over', [this.subject]: id, from, instance: instanceId }, `${this.subject} taken over from an instance that stopped renewing its lease`);
      this.options.onTaken(this.hold(id, fence, now));
    }
  }
}
