// Surveys in the database: one row per survey, one per surveyed user (pending until read, then
// its summary or its failure). Progress is the users' rows, so a restart goes on from them.
import type { SurveySource, SurveyState, SurveyStatus, SurveyResults } from '../../shared/api/insights';
import { exclusive, immediateTransaction, type Store, type SurveysTable } from '../store/database';
import { timeOrderedId } from '../store/ids';
import type { UserSummary } from './summary';

export type SurveyRecord = Omit<SurveysTable, 'seq' | 'label' | 'done' | 'failed'> & { label: string; done: number; failed: number };

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

const SURVEY_COLUMNS =
  'id, label, state, source_json, include_recent, total, done, failed, created_by, created_at, finished_at, message, results_json';

export function getSurvey(store: Store, id: string): SurveyRecord | undefined {
  return store.sqlite.prepare(`SELECT ${SURVEY_COLUMNS} FROM surveys WHERE id = ?`).get(id) as SurveyRecord | undefined;
}

export function listSurveys(store: Store, limit: number): SurveyRecord[] {
  return store.sqlite.prepare(`SELECT ${SURVEY_COLUMNS} FROM surveys ORDER BY seq DESC LIMIT ?`).all(limit) as SurveyRecord[];
}

export function surveyIdsInState(store: Store, state: SurveyState): string[] {
  return (store.sqlite.prepare('SELECT id FROM surveys WHERE state = ? ORDER BY seq').all(state) as { id: string }[]).map((row) => row.id);
}

export type NewSurvey = { label: string; source: SurveySource; includeRecent: boolean; users: readonly string[]; createdBy: string; createdAt: Date };

/** Stores a survey and its users (already de-duplicated), running. */
export async function insertSurvey(store: Store, survey: NewSurvey): Promise<string> {
  const id = timeOrderedId(survey.createdAt);
  await immediateTransaction(store, (sqlite) => {
    sqlite
      .prepare(
        `INSERT INTO surveys (id, label, state, source_json, include_recent, total, created_by, created_at)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`,
      )
      .run(id, survey.label, JSON.stringify(survey.source), survey.includeRecent ? 1 : 0, survey.users.length, survey.createdBy, survey.createdAt.toISOString());
    const insert = sqlite.prepare(`INSERT INTO survey_users (survey_id, position, user_id, state) VALUES (?, ?, ?, 'pending')`);
    survey.users.forEach((userId, position) => insert.run(id, position, userId));
  });
  return id;
}

/** Moves a survey from one of `from` to `to`; false when it was in none of them. */
export async function changeSurveyState(
  store: Store,
  id: string,
  from: readonly SurveyState[],
  to: SurveyState,
  extra: { finishedAt?: Date; message?: string | null; results?: SurveyResults } = {},
): Promise<boolean> {
  return exclusive(store, (sqlite) => {
    const placeholders = from.map(() => '?').join(', ');
    const result = sqlite
      .prepare(
        `UPDATE surveys SET state = ?, finished_at = COALESCE(?, finished_at), message = ?, results_json = COALESCE(?, results_json)
         WHERE id = ? AND state IN (${placeholders})`,
      )
      .run(to, extra.finishedAt?.toISOString() ?? null, extra.message ?? null, extra.results ? JSON.stringify(extra.results) : null, id, ...from);
    return result.changes === 1;
  });
}

export type PendingUser = { position: number; userId: string };

export function pendingUsers(store: Store, id: string, afterPosition: number, limit: number): PendingUser[] {
  return store.sqlite
    .prepare(
      `SELECT position, user_id AS userId FROM survey_users
       WHERE survey_id = ? AND state = 'pending' AND position > ? ORDER BY position LIMIT ?`,
    )
    .all(id, afterPosition, limit) as PendingUser[];
}

export type UserOutcome = { position: number } & ({ state: 'read'; summary: UserSummary } | { state: 'failed'; message: string });

/** Records read users and the survey's counts in one transaction. */
export async function recordUserOutcomes(store: Store, id: string, outcomes: readonly UserOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await immediateTransaction(store, (sqlite) => {
    const update = sqlite.prepare(`UPDATE survey_users SET state = ?, result_json = ? WHERE survey_id = ? AND position = ? AND state = 'pending'`);
    let done = 0;
    let failed = 0;
    for (const outcome of outcomes) {
      const json = outcome.state === 'read' ? JSON.stringify(outcome.summary) : JSON.stringify({ error: outcome.message });
      const changed = update.run(outcome.state, json, id, outcome.position).changes;
      done += changed;
      if (outcome.state === 'failed') failed += changed;
    }
    sqlite.prepare('UPDATE surveys SET done = done + ?, failed = failed + ? WHERE id = ?').run(done, failed, id);
  });
}

export function hasPendingUsers(store: Store, id: string): boolean {
  return store.sqlite.prepare(`SELECT 1 FROM survey_users WHERE survey_id = ? AND state = 'pending' LIMIT 1`).get(id) !== undefined;
}

export type SurveyUserRow = { position: number; userId: string; state: 'pending' | 'read' | 'failed'; summary?: UserSummary; error?: string };

/** Every user of a survey in order, one at a time (a survey may hold 100,000). */
export function* surveyUsers(store: Store, id: string): Generator<SurveyUserRow> {
  const rows = store.sqlite
    .prepare(`SELECT position, user_id AS userId, state, result_json AS json FROM survey_users WHERE survey_id = ? ORDER BY position`)
    .iterate(id) as Iterable<{ position: number; userId: string; state: SurveyUserRow['state']; json: string | null }>;
  for (const row of rows) {
    const base = { position: row.position, userId: row.userId, state: row.state };
    if (row.state === 'read' && row.json) yield { ...base, summary: JSON.parse(row.json) as UserSummary };
    else if (row.state === 'failed' && row.json) yield { ...base, error: (JSON.parse(row.json) as { error: string }).error };
    else yield base;
  }
}

/** The distinct Chat users of a bulk job, in the order of their first line. */
export function usersOfJob(store: Store, jobId: string): string[] | undefined {
  if (!store.sqlite.prepare('SELECT 1 FROM jobs WHERE id = ?').get(jobId)) return undefined;
  return (
    store.sqlite
      .prepare(`SELECT chat_user FROM job_rows WHERE job_id = ? AND chat_user IS NOT NULL GROUP BY chat_user ORDER BY MIN(line)`)
      .all(jobId) as { chat_user: string }[]
  ).map((row) => row.chat_user);
}

/** The distinct Chat users with a mark change recorded between two times, in order of first appearance. */
export function usersInAudit(store: Store, from: string, to: string): string[] {
  return (
    store.sqlite
      .prepare(
        `SELECT chat_user FROM audit WHERE kind IN ('intent', 'entry') AND at >= ? AND at <= ? AND chat_user IS NOT NULL
         GROUP BY chat_user ORDER BY MIN(seq)`,
      )
      .all(from, to) as { chat_user: string }[]
  ).map((row) => row.chat_user);
}
