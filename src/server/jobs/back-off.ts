// How a bulk job slows down after transient failures (Chat busy, too frequent, network): a pause
// that doubles while failures continue and resets on the next success, and a count of attempts
// per line so that a line that keeps failing stops the job instead of looping. Time is the
// server clock's (clock.ts), injected.
import type { Clock } from '../clock';

export type BackOffOptions = {
  /** First pause after a failure, doubled while they continue, never longer than max (ms). */
  base: number;
  max: number;
  /** A line that fails transiently this many times stops the job. */
  maxAttempts: number;
};

export class BackOff {
  private consecutiveFailures = 0;
  private notBefore = 0;
  private readonly attempts = new Map<number, number>();

  constructor(
    private readonly options: BackOffOptions,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  /** Records a transient failure of these lines; the highest attempt count among them, and whether it is too many. */
  failed(lines: readonly number[]): { attempts: number; exhausted: boolean } {
    let highest = 0;
    for (const line of lines) {
      const attempts = (this.attempts.get(line) ?? 0) + 1;
      this.attempts.set(line, attempts);
      highest = Math.max(highest, attempts);
    }
    this.consecutiveFailures++;
    const pause = Math.min(this.options.max, this.options.base * 2 ** (this.consecutiveFailures - 1));
    this.notBefore = Math.max(this.notBefore, this.clock.now() + pause);
    return { attempts: highest, exhausted: highest >= this.options.maxAttempts };
  }

  succeeded(): void {
    this.consecutiveFailures = 0;
  }

  /** How long to wait before taking more work (0: go on now). */
  waitMs(): number {
    return Math.max(0, this.notBefore - this.clock.now());
  }
}
