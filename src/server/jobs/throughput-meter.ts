// The live figures of a running job (calls per second, time left), over the last few seconds.

export type LiveFigures = { callsPerSecond: number; etaSeconds: number | null };

export class ThroughputMeter {
  private readonly callTimes: number[] = [];
  private readonly lineTimes: { at: number; lines: number }[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly nowMs: () => number,
    private readonly windowMs = 5000,
  ) {
    this.startedAt = nowMs();
  }

  /** One mark_contact call went out. */
  call(): void {
    this.callTimes.push(this.nowMs());
    this.trim();
  }

  /** Lines were settled. */
  lines(count: number): void {
    if (count > 0) this.lineTimes.push({ at: this.nowMs(), lines: count });
    this.trim();
  }

  live(remainingLines: number): LiveFigures {
    this.trim();
    const span = Math.min(this.windowMs, Math.max(1, this.nowMs() - this.startedAt)) / 1000;
    const lines = this.lineTimes.reduce((sum, entry) => sum + entry.lines, 0);
    const linesPerSecond = lines / span;
    return { callsPerSecond: this.callTimes.length / span, etaSeconds: linesPerSecond > 0 ? remainingLines / linesPerSecond : null };
  }

  private trim(): void {
    const since = this.nowMs() - this.windowMs;
    while (this.callTimes.length > 0 && this.callTimes[0]! < since) this.callTimes.shift();
    while (this.lineTimes.length > 0 && this.lineTimes[0]!.at < since) this.lineTimes.shift();
  }
}
