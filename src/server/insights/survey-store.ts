// Surveys in the database: one row per survey, one per surveyed user (pending until read, then
// its summary or its failure). Progress is the users' rows, so a restart goes on from them.
import type { SurveySource, SurveyState, SurveyStatus, SurveyResults } from '../../shared/api/insights';
import { sql } from 'kysely';
import type { Reader, Store, SurveysTable } from '../store/database';
import { timeOrderedId } from '../store/ids';
import { runStatement } from '../store/sql';
import { holdLeaseInTransaction, type LeaseFence } from '../jobs/leases';
import type { UserSummary } from './summary';

export type SurveyRecord = Omit<SurveysTable, 'seq' | 'label' | 'done' | 'failed' | 'lease_owner' | 'lease_expires_at' | 'lease_epoch'> & {
  label: string;
  done: number;
  failed: number;
};

export function toSurveyStatus(record: SurveyRecord, withResults = true): SurveyStatus {
  const status: SurveyStatus = {
    surveyId: record.id,
    label: record.label,
    state: record.state,
    source: JSON.parse(record.source_json) as SurveySource,
    includeRecent: record.include_recent === 1,
    users: record.total,
    done: record.done,
    failed: record.failed,
    createdBy: record.created_by,
    createdAt: record.created_at,
  };
  if (record.finished_at) status.finishedAt = record.finished_at;
  if (record.message) status.message = record.message;
  if (withResults && record.results_json) status.results = JSON.parse(record.results_json) as SurveyResults;
  return status;
}

const SURVEY_COLUMNS = [
  'id',
  'label',
  'state',
  'source_json',
  'include_recent',
  'total',
  'done',
  'failed',
  'created_by',
  'created_at',
  'finished_at',
  'message',
  'results_json',
] as const;

export async function getSurvey(db: Reader, id: string): Promise<SurveyRecord | undefined> {
  return db.selectFrom('surveys').select(SURVEY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function listSurveys(db: Reader, limit: number): Promise<SurveyRecord[]> {
  return db.selectFrom('surveys').select(SURVEY_COLUMNS).orderBy('seq', 'desc').limit(limit).execute();
}

export type NewSurvey = { label: string; source: SurveySource; includeRecent: boolean; users: readonly string[]; createdBy: string; createdAt: Date };

// A survey's users are written USERS_PER_INSERT to a statement (three parameters each: well under
// SQLite's limit), the rest one at a time. That is up to 100,000 rows in one transaction, which
// holds the one connection every request uses: the statements are SQL of fixed text, prepared once
// (built with the query builder, the same rows took four times as long).
const USERS_PER_INSERT = 500;
const INSERT_USER = `INSERT INTO survey_users (survey_id, position, user_id, state) VALUES (?, ?, ?, 'pending')`;
const INSERT_USERS = `INSERT INTO survey_users (survey_id, position, user_id, state) VALUES ${Array<string>(USERS_PER_INSERT).fill("(?, ?, ?, 'pending')").join(', ')}`;

/** Stores a survey and its users (already de-duplicated), running. */
export async function insertSurvey(store: Store, survey: NewSurvey): Promise<string> {
  const id = timeOrderedId(survey.createdAt);
  await store.write(async (tx) => {
    await tx
      .insertInto('surveys')
      .values({
        id,
        label: survey.label,
        state: 'running',
        source_json: JSON.stringify(survey.source),
        include_recent: survey.includeRecent ? 1 : 0,
        total: survey.users.length,
        created_by: survey.createdBy,
        created_at: survey.createdAt.toISOString(),
        finished_at: null,
        message: null,
        results_json: null,
      })
      .execute();
    let position = 0;
    for (; position + USERS_PER_INSERT <= survey.users.length; position += USERS_PER_INSERT) {
      const parameters: unknown[] = [];
      for (let i = position; i < position + USERS_PER_INSERT; i++) parameters.push(id, i, survey.users[i]);
      await runStatement(tx, INSERT_USERS, parameters);
    }
    for (; position < survey.users.length; position++) await runStatement(tx, INSERT_USER, [id, position, survey.users[position]]);
  });
  return id;
}

/**
 * Moves a survey from one of `from` to `to`; false when it was in none of them. With a fence (a run
 * ending its survey), only while the run still holds the survey's lease (jobs/leases.ts).
 */
export async function changeSurveyState(
  store: Store,
  id: string,
  from: readonly SurveyState[],
  to: SurveyState,
  extra: { finishedAt?: Date; message?: string | null; results?: SurveyResults } = {},
  fence?: LeaseFence,
): Promise<boolean> {
  const result = await store.write((tx) => {
    let update = tx
      .updateTable('surveys')
      .set({
        state: to,
        message: extra.message ?? null,
        ...(extra.finishedAt ? { finished_at: extra.finishedAt.toISOString() } : {}),
        ...(extra.results ? { results_json: JSON.stringify(extra.results) } : {}),
      })
      .where('id', '=', id)
      .where('state', 'in', from);
    if (fence) update = update.where('lease_owner', '=', fence.owner).where('lease_epoch', '=', fence.epoch);
    return update.executeTakeFirst();
  });
  return Number(result.numUpdatedRows) === 1;
}

export type PendingUser = { position: number; userId: string };

// 'pending' is written into the SQL, not bound: only then can SQLite use the partial index
// survey_users_pending (WHERE state = 'pending') for these lookups.
const PENDING = sql.lit<'pending'>('pending');

export async function pendingUsers(db: Reader, id: string, afterPosition: number, limit: number): Promise<PendingUser[]> {
  return db
    .selectFrom('survey_users')
    .select(['position', 'user_id as userId'])
    .where('survey_id', '=', id)
    .where('state', '=', PENDING)
    .where('position', '>', afterPosition)
    .orderBy('position')
    .limit(limit)
    .execute();
}

export type UserOutcome = { position: number } & ({ state: 'read'; summary: UserSummary } | { state: 'failed'; message: string });

/** Records read users and the survey's counts in one transaction, while `fence` still holds the survey's lease (LeaseLostError otherwise). */
export async function recordUserOutcomes(store: Store, id: string, outcomes: readonly UserOutcome[], fence?: LeaseFence): Promise<void> {
  if (outcomes.length === 0) return;
  await store.write(async (tx) => {
    if (fence) await holdLeaseInTransaction(tx, 'surveys', id, fence);
    let done = 0;
    let failed = 0;
    for (const outcome of outcomes) {
      const json = outcome.state === 'read' ? JSON.stringify(outcome.summary) : JSON.stringify({ error: outcome.message });
      const result = await tx
        .updateTable('survey_users')
        .set({ state: outcome.state, result_json: json })
        .where('survey_id', '=', id)
        .where('position', '=', outcome.position)
        .where('state', '=', PENDING)
        .executeTakeFirst();
      const changed = Number(result.numUpdatedRows);
      done += changed;
      if (outcome.state === 'failed') failed += changed;
    }
    await tx
      .updateTable('surveys')
      .set((eb) => ({ done: eb('done', '+', done), failed: eb('failed', '+', failed) }))
      .where('id', '=', id)
      .execute();
  });
}

export async function hasPendingUsers(db: Reader, id: string): Promise<boolean> {
  const row = await db.selectFrom('survey_users').select('position').where('survey_id', '=', id).where('state', '=', PENDING).limit(1).executeTakeFirst();
  return row !== undefined;
}

export type SurveyUserRow = { position: number; userId: string; state: 'pending' | 'read' | 'failed'; summary?: UserSummary; error?: string };

// Users read per query by surveyUsers.
const SURVEY_USERS_PAGE = 1000;

/**
 * Every user of a survey in order (a survey may hold 100,000), read a page at a time: no query
 * stays open while the caller works on the rows.
 */
export async function* surveyUsers(db: Reader, id: string): AsyncGenerator<SurveyUserRow> {
  for (let after = -1; ; ) {
    const rows = await db
      .selectFrom('survey_users')
      .select(['position', 'user_id as userId', 'state', 'result_json as json'])
      .where('survey_id', '=', id)
      .where('position', '>', after)
      .orderBy('position')
      .limit(SURVEY_USERS_PAGE)
      .execute();
    for (const row of rows) {
      const base = { position: row.position, userId: row.userId, state: row.state };
      if (row.state === 'read' && row.json) yield { ...base, summary: JSON.parse(row.json) as UserSummary };
      else if (row.state === 'failed' && row.json) yield { ...base, error: (JSON.parse(row.json) as { error: string }).error };
      else yield base;
    }
    if (rows.length < SURVEY_USERS_PAGE) return;
    after = rows[rows.length - 1]!.position;
  }
}

/** The distinct Chat users of a bulk job, in the order of their first line. */
export async function usersOfJob(db: Reader, jobId: string): Promise<string[] | undefined> {
  if (!(await db.selectFrom('jobs').select('id').where('id', '=', jobId).executeTakeFirst())) return undefined;
  const rows = await db
    .selectFrom('job_rows')
    .select('chat_user')
    .where('job_id', '=', jobId)
    .where('chat_user', 'is not', null)
    .groupBy('chat_user')
    .orderBy((eb) => eb.fn.min('line'))
    .$narrowType<{ chat_user: string }>()
    .execute();
  return rows.map((row) => row.chat_user);
}

// Mark entries' kinds are written into the SQL, not bound: only then can SQLite use the partial
// index audit_marks_by_at (WHERE kind IN ('intent', 'entry')) to find them by time.
export const MARK_ENTRY_KINDS = [sql.lit<'intent'>('intent'), sql.lit<'entry'>('entry')];

/** The distinct Chat users with a mark change recorded between two times, in order of first appearance. */
export async function usersInAudit(db: Reader, from: string, to: string): Promise<string[]> {
  const rows = await db
    .selectFrom('audit')
    .select('chat_user')
    .where('kind', 'in', MARK_ENTRY_KINDS)
    .where('at', '>=', from)
    .where('at', '<=', to)
    .where('chat_user', 'is not', null)
    .groupBy('chat_user')
    .orderBy((eb) => eb.fn.min('seq'))
    .$narrowType<{ chat_user: string }>()
    .execute();
  return rows.map((row) => row.chat_user);
}
