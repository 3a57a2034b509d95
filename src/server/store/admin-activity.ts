// Admin activity in the audit chain: one keyed `admin` row per sign-in (or refused sign-in), staff
// account change, ended session, label change and chain check. The rows are appended like mark
// rows, so the same chain check covers them; reading them uses their own partial index.
import { ADMIN_ACTIVITY_CSV_COLUMNS, type AdminAction, type AdminActivityEntry, type AdminDetails } from '../../shared/api/admin-activity';
import { AUDIT_PAGE_MAX } from '../../shared/api/audit';
import { appendChainRows, blankContent } from './audit-chain';
import { neutralizeFormula } from '../../shared/text/csv';
import { csvDownload } from './csv-export';
import { timeOrderedId } from './ids';
import { cursorPages } from './pages';
import type { Reader, Store, Tx } from './database';
import { dialectOf, selectRows } from './sql';
import { type Clock, systemClock } from '../clock';

export type AdminActivity = {
  staff: string;
  action: AdminAction;
  target?: string;
  ip?: string;
  userAgent?: string;
  details?: AdminDetails;
};

export type AdminActivityFilter = {
  staff?: string;
  action?: AdminAction;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit: number;
  cursor?: string;
};

// A hostile header must not bloat the log.
const MAX_USER_AGENT_LENGTH = 512;

export class AdminActivityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminActivityError';
  }
}

/** Where a request came from, as admin activity records it. */
export function seenFrom(request: { ip: string; headers: { 'user-agent'?: string | undefined } }): { ip: string; userAgent: string } {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' };
}

/** Appends the entry inside the caller's transaction. Returns its id. */
export async function appendAdminActivity(tx: Tx, auditKey: Buffer, activity: AdminActivity, at: Date): Promise<string> {
  const row = blankContent(timeOrderedId(at), 'admin', at.toISOString());
  row.staff = activity.staff;
  row.action = activity.action;
  row.target = activity.target ?? null;
  row.ip = activity.ip ?? null;
  row.user_agent = activity.userAgent === undefined ? null : activity.userAgent.slice(0, MAX_USER_AGENT_LENGTH);
  row.details_json = activity.details === undefined ? null : JSON.stringify(activity.details);
  await appendChainRows(tx, auditKey, [row]);
  return row.id;
}

/** Work a write function runs in its own transaction after its changes: the entry that records them. */
export type AlsoInTransaction = (tx: Tx) => Promise<unknown>;

/** The admin-activity entry of a change, to be appended in the change's own transaction (both land, or neither). */
export function recordingActivity(store: Pick<Store, 'auditKey'>, activity: AdminActivity, clock: Clock = systemClock): AlsoInTransaction {
  const at = new Date(clock.now());
  return (tx) => appendAdminActivity(tx, store.auditKey, activity, at);
}

export function recordAdminActivity(store: Store, activity: AdminActivity, clock: Clock = systemClock): Promise<string> {
  const at = new Date(clock.now());
  return store.write((tx) => appendAdminActivity(tx, store.auditKey, activity, at));
}

type AdminRow = {
  seq: number;
  id: string;
  at: string;
  staff: string;
  action: AdminAction;
  target: string | null;
  ip: string | null;
  user_agent: string | null;
  details_json: string | null;
};

function toEntry(row: AdminRow): AdminActivityEntry {
  return {
    kind: 'admin',
    id: row.id,
    at: row.at,
    staff: row.staff,
    action: row.action,
    ...(row.target === null ? {} : { target: row.target }),
    ...(row.ip === null ? {} : { ip: row.ip }),
    ...(row.user_agent === null ? {} : { userAgent: row.user_agent }),
    ...(row.details_json === null ? {} : { details: JSON.parse(row.details_json) as AdminDetails }),
  };
}

const CURSOR = /^b1\.(\d{1,15})$/;

function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = CURSOR.exec(text);
  if (!match?.[1]) throw new AdminActivityError('The cursor is not one this server handed out.');
  return Number(match[1]);
}

/** One page of admin activity, newest first; the cursor keeps its place while entries are appended. */
export async function queryAdminActivity(db: Reader, filter: AdminActivityFilter): Promise<{ entries: AdminActivityEntry[]; nextCursor: string | null }> {
  const where = [`kind = 'admin'`];
  const values: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    values.push(value);
  };
  if (filter.staff !== undefined) add('staff = ?', filter.staff);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.from !== undefined) add('at >= ?', filter.from.toISOString());
  if (filter.to !== undefined) add('at < ?', filter.to.toISOString());
  if (filter.cursor !== undefined) add('seq < ?', decodeCursor(filter.cursor));
  // Through the partial index of admin rows (SQLite is told to; PostgreSQL's planner finds it).
  const hint = dialectOf(db) === 'sqlite' ? ' INDEXED BY audit_admin' : '';
  const rows = await selectRows<AdminRow>(
    db,
    `SELECT seq, id, at, staff, action, target, ip, user_agent, details_json FROM audit${hint} WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
    [...values, filter.limit + 1],
  );
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map(toEntry),
    nextCursor: rows.length > filter.limit && last ? Buffer.from(`b1.${last.seq}`, 'utf8').toString('base64url') : null,
  };
}

function csvRecord(entry: AdminActivityEntry): string[] {
  const details = entry.details === undefined ? '' : Object.entries(entry.details).map(([key, value]) => `${key}=${String(value)}`).join('; ');
  return [entry.id, entry.at, entry.staff, entry.action, entry.target ?? '', entry.ip ?? '', entry.userAgent ?? '', details].map(neutralizeFormula);
}

/** The filtered admin activity as CSV (UTF-8 with BOM, header row, CRLF), newest first, in chunks. */
export function adminActivityCsv(db: Reader, filter: Omit<AdminActivityFilter, 'limit' | 'cursor'>): AsyncGenerator<string> {
  const pages = cursorPages((cursor) => queryAdminActivity(db, { ...filter, limit: AUDIT_PAGE_MAX, ...(cursor === undefined ? {} : { cursor }) }));
  return csvDownload(ADMIN_ACTIVITY_CSV_COLUMNS, pages, csvRecord);
}
