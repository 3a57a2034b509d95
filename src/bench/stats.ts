/** The q-th quantile (0..1) of a sample, by nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export const ms = (value: number) => `${value.toFixed(1)} ms`;

/**
 * Fires `task` at a fixed arrival rate (open loop: a slow answer never delays the next start, as
 * with real traffic) and returns each call's latency in ms.
 */
export async function fixedRate(ratePerSecond: number, count: number, task: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    running.push(
      (async () => {
        const t0 = performance.now();
        await task();
        latencies.push(performance.now() - t0);
      })(),
    );
  }
  await Promise.all(running);
  return latencies;
}
