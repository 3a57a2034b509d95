// Settled lines of a bulk job are committed in groups — a commit costs far more than a row — every
// `afterMs` or once `maxLines` have gathered, together with the deletion of the call announcements
// they settle (both in the same commit). Until then the lines are pending in the database and their
// announcements are still there, which a restart settles from Chat's state. After a failed commit no
// announcement is deleted any more: the lines it held are pending again and their calls must stay
// known.
import type { SettledLine } from './ledger';

export type GroupCommitterOptions = {
  /** Writes one group; rejects when it could not. */
  commit(lines: SettledLine[], forget: number[]): Promise<void>;
  afterMs: number;
  maxLines: number;
  onCommitted(lines: number): void;
  onError(error: unknown): void;
  timers?: { set(callback: () => void, ms: number): unknown; clear(handle: unknown): void };
};

const realTimers = {
  set: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clear: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
};

export class GroupCommitter {
  private lines: SettledLine[] = [];
  private forget: number[] = [];
  private timer: unknown = null;
  private chain: Promise<void> = Promise.resolve();
  private failedOnce = false;
  private readonly timers: NonNullable<GroupCommitterOptions['timers']>;

  constructor(private readonly options: GroupCommitterOptions) {
    this.timers = options.timers ?? realTimers;
  }

  /** A commit failed: announcements are kept from then on. */
  get failed(): boolean {
    return this.failedOnce;
  }

  add(lines: readonly SettledLine[], forget: readonly number[] = []): void {
    if (lines.length === 0 && forget.length === 0) return;
    for (const line of lines) this.lines.push(line);
    if (!this.failedOnce) for (const id of forget) this.forget.push(id);
    if (this.lines.length >= this.options.maxLines) void this.flush();
    else if (this.timer === null) this.timer = this.timers.set(() => void this.flush(), this.options.afterMs);
  }

  /** Commits what has gathered (after any commit still running); resolves when it is done or failed. */
  flush(): Promise<void> {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    const lines = this.lines.splice(0);
    const forget = this.forget.splice(0);
    this.chain = this.chain
      .then(async () => {
        if (lines.length === 0 && forget.length === 0) return;
        await this.options.commit(lines, this.failedOnce ? [] : forget);
        this.options.onCommitted(lines.length);
      })
      .catch((error: unknown) => {
        this.failedOnce = true;
        this.options.onError(error);
      });
    return this.chain;
  }
}
