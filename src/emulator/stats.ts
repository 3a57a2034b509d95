// Per-command call counters, so tests can count what reached the upstream (e.g. mark writes).

/** errorCodes: ErrorCode (or "reset") → count, for the calls that did not answer OK. */
export type CommandStats = { calls: number; ok: number; failed: number; errorCodes: Record<string, number> };

export type EmulatorStats = { requests: number; commands: Record<string, CommandStats> };

export class StatsRecorder {
  private stats: EmulatorStats = { requests: 0, commands: {} };

  /**
   * `command` is undefined for calls to a path that names no known command; `outcome` is the
   * ErrorCode answered, or 'reset' when fault injection dropped the connection.
   */
  record(command: string | undefined, outcome: number | 'reset'): void {
    this.stats.requests++;
    if (command === undefined) return;
    const entry = (this.stats.commands[command] ??= { calls: 0, ok: 0, failed: 0, errorCodes: {} });
    entry.calls++;
    if (outcome === 0) entry.ok++;
    else {
      entry.failed++;
      entry.errorCodes[String(outcome)] = (entry.errorCodes[String(outcome)] ?? 0) + 1;
    }
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.stats);
  }

  clear(): void {
    this.stats = { requests: 0, commands: {} };
  }
}
