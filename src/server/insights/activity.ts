// Activity over time from the audit log: mark changes per UTC day, by bit set and cleared (of the
// applied ones), by staff member, by status and by source (interactive save, Undo, bulk job).
import type { ActivityDay, ActivityResponse, ActivitySource } from '../../shared/api/insights';
import type { Store } from '../store/database';

const DAY_MS = 86_400_000;

/** A bulk job's lines carry the request id job:{id}:line:{n}; an Undo names the entry it reverts. */
export function activitySource(requestId: string | null, revertOf: string | null): ActivitySource {
  if (requestId?.startsWith('job:')) return 'bulk';
  if (revertOf !== null) return 'undo';
  return 'interactive';
}

function bitsOf(json: string | null): Set<number> {
  if (json === null) return new Set();
  return new Set((JSON.parse(json) as { bits: number[] }).bits);
}

function emptyDay(day: string): ActivityDay {
  return { day, changes: 0, bitsSet: {}, bitsCleared: {}, byStaff: {}, byStatus: {}, bySource: {} };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export function auditActivity(store: Store, from: string, to: string): ActivityResponse {
  const days = new Map<string, ActivityDay>();
  for (let t = Date.parse(from.slice(0, 10)); t <= Date.parse(to); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, emptyDay(day));
  }
  const rows = store.sqlite
    .prepare(
      `SELECT e.kind, e.at, e.staff, e.status, e.before_json, e.after_json, e.request_id, e.revert_of,
              o.status AS outcome_status, o.before_json AS outcome_before_json, o.after_json AS outcome_after_json
       FROM audit e LEFT JOIN audit o ON o.refers_to = e.id
       WHERE e.kind IN ('intent', 'entry') AND e.at >= ? AND e.at <= ?`,
    )
    .iterate(from, to) as Iterable<{
    kind: 'intent' | 'entry';
    at: string;
    staff: string | null;
    status: string | null;
    before_json: string | null;
    after_json: string | null;
    request_id: string | null;
    revert_of: string | null;
    outcome_status: string | null;
    outcome_before_json: string | null;
    outcome_after_json: string | null;
  }>;
  for (const row of rows) {
    const day = days.get(row.at.slice(0, 10));
    if (!day) continue;
    const status = (row.kind === 'entry' ? row.status : row.outcome_status) ?? 'unknown';
    day.changes++;
    bump(day.byStaff, row.staff ?? '');
    bump(day.byStatus, status);
    bump(day.bySource, activitySource(row.request_id, row.revert_of));
    if (status !== 'applied') continue;
    const before = bitsOf(row.outcome_before_json ?? row.before_json);
    const after = bitsOf(row.kind === 'entry' ? row.after_json : row.outcome_after_json);
    for (const bit of after) if (!before.has(bit)) bump(day.bitsSet, String(bit));
    for (const bit of before) if (!after.has(bit)) bump(day.bitsCleared, String(bit));
  }
  return { from: from.replace('.000Z', 'Z'), to: to.replace('.000Z', 'Z'), days: [...days.values()] };
}
