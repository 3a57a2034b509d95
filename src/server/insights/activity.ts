// Activity over time from the audit log: mark changes per UTC day, by bit set and cleared (of the
// applied ones), by staff member, by status and by source (interactive save, Undo, bulk job).
import type { ActivityDay, ActivityResponse, ActivitySource } from '../../shared/api/insights';
import type { Reader } from '../store/database';
import { MARK_ENTRY_KINDS } from './survey-store';

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

// Mark entries read per query by auditActivity.
const ACTIVITY_PAGE = 2000;

export async function auditActivity(db: Reader, from: string, to: string): Promise<ActivityResponse> {
  const days = new Map<string, ActivityDay>();
  for (let t = Date.parse(from.slice(0, 10)); t <= Date.parse(to); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    days.set(day, emptyDay(day));
  }
  // A page at a time, in the order of the index by time (at, then seq), each page after the last
  // row of the one before; seq starts at 1, so (from, 0) is before every entry at `from`. An intent
  // has at most one outcome (audit_outcome_of is unique), so the join never splits an entry's rows.
  let after = { at: from, seq: 0 };
  for (;;) {
    const rows = await db
      .selectFrom('audit as e')
      .leftJoin('audit as o', 'o.refers_to', 'e.id')
      .select([
        'e.seq',
        'e.kind',
        'e.at',
        'e.staff',
        'e.status',
        'e.before_json',
        'e.after_json',
        'e.request_id',
        'e.revert_of',
        'o.status as outcome_status',
        'o.before_json as outcome_before_json',
        'o.after_json as outcome_after_json',
      ])
      .where('e.kind', 'in', MARK_ENTRY_KINDS)
      .where((eb) => eb(eb.refTuple('e.at', 'e.seq'), '>', eb.tuple(after.at, after.seq)))
      .where('e.at', '<=', to)
      .orderBy('e.at')
      .orderBy('e.seq')
      .limit(ACTIVITY_PAGE)
      .execute();
    tally(days, rows);
    if (rows.length < ACTIVITY_PAGE) break;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, seq: last.seq };
  }
  return { from: from.replace('.000Z', 'Z'), to: to.replace('.000Z', 'Z'), days: [...days.values()] };
}

type ActivityRow = {
  kind: string;
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
};

function tally(days: Map<string, ActivityDay>, rows: readonly ActivityRow[]): void {
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
}
