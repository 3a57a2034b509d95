/** The largest number of starts inside any half-open 1-second window [t, t + 1000). */
export function busiestSecond(starts: readonly number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let busiest = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= 1000) first++;
    busiest = Math.max(busiest, last - first + 1);
  }
  return busiest;
}
