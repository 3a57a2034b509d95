// How one run of a job is told to stop, and how its loops wait for something to change (a line
// back from a writer, a chunk done, the stop itself) instead of polling.
import { setMaxListeners } from 'node:events';

/**
 * control: paused or cancelled; shutdown: the server stops; halt: the job fails (message says why);
 * lease: the job's lease is no longer (known to be) this instance's — another may run the job now,
 * so the run sends nothing and commits nothing more, and records no end of the job (leases.ts);
 * unavailable: the database cannot be reached — the run gives its work up as after a crash: it
 * sends nothing and commits nothing more, records no end, and the job is taken up again from the
 * database once it answers (lease-keeper.ts).
 */
export type StopReason = 'control' | 'shutdown' | 'halt' | 'lease' | 'unavailable';

/**
 * Which reason wins when several come: a lost lease (the job is another instance's to end), then
 * the database out of reach (nothing can be recorded, not even a halt: the next run meets the
 * halt's cause again and records it then), then a halt (the job fails), then the rest — first come.
 */
const PRECEDENCE: Record<StopReason, number> = { control: 0, shutdown: 0, halt: 1, unavailable: 2, lease: 3 };

export class RunControl {
  private reason: StopReason | null = null;
  private message: string | null = null;
  private waiters: (() => void)[] = [];
  /** Aborted when the run stops: mark_contact calls not sent yet are given up. */
  private readonly stopping = new AbortController();

  constructor() {
    // Every writer waiting at the limiter listens to it: dozens of listeners are expected, not a leak.
    setMaxListeners(0, this.stopping.signal);
  }

  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Why the run stops; null while it goes on. */
  get stopReason(): StopReason | null {
    return this.reason;
  }

  /** Why the job failed (the first reason given), once it halted. */
  get haltMessage(): string | null {
    return this.message;
  }

  /** The reason that ranks higher wins (PRECEDENCE); the first halt's message stays. */
  stop(reason: StopReason, message?: string): void {
    if (this.reason === null || PRECEDENCE[reason] > PRECEDENCE[this.reason]) this.reason = reason;
    if (reason === 'halt' && message !== undefined && this.message === null) this.message = message;
    this.stopping.abort();
    this.notify();
  }

  /** Wakes every loop waiting in changed(). */
  notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves at the next notify(), or after timeoutMs. */
  changed(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
