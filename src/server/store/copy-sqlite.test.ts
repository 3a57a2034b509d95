// `npm run migrate`: migrations on their own (two at once on one PostgreSQL schema), and copying a
// SQLite database with real content into PostgreSQL — every table, the audit chain and its head,
// sequences that go on after the copied ids — and the refusals (a target with data, a log whose
// chain already fails). The PostgreSQL parts run only when MARKDESK_TEST_DATABASE_URL is set.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSession, endSessions, hashSessionId } from '../auth/sessions';
import { createStaff } from '../auth/staff';
import { systemClock } from '../clock';
import { insertSurvey } from '../insights/survey-store';
import { bitNamesFrom, readJobCsv } from '../jobs/csv';
import { csvOf, plannedRows } from '../jobs/testing';
import { storeCheckedJob } from '../jobs/upload-store';
import { runMigrateCli, type MigrateCliIo } from '../migrate-cli';
import { dropTestSchema, freshPostgresLocation } from '../testing/test-store';
import { testDatabaseUrl } from '../testing/postgres';
import { rawAll, rawExec } from '../testing/raw-sql';
import { writeLegacyDatabase } from '../testing/legacy-database';
import { recordAdminActivity } from './admin-activity';
import { recordEntries, recordIntents, recordOutcomes, holdBefore } from './audit';
import { HIGHEST_AUDIT_SEQ } from './audit-chain';
import { AUDIT_KEY_FILE_NAME, auditKeyFromSetting } from './audit-key';
import { oneShotEntry } from './audit-test-entry';
import { chainHead, verifyAuditChain } from './audit-verify';
import { CopyError, copySqliteToPostgres } from './copy-sqlite';
import { DATABASE_FILE_NAME, openDatabase, type Store, type StoreLocation } from './database';
import { replaceLabels } from './labels';
import { migrateStore } from './migrate';
import { migrations, postgresMigrations } from './migrations';
import { openStore } from './open';
import { selectRow } from './sql';

const url = testDatabaseUrl();
const KEY = Buffer.alloc(32, 9);

let dir: string;
const schemas: StoreLocation[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'markdesk-copy-'));
});
afterEach(async () => {
  for (const location of schemas.splice(0)) await dropTestSchema(location);
  rmSync(dir, { recursive: true, force: true });
});

function freshSchema(): StoreLocation & { dialect: 'postgres' } {
  const location = freshPostgresLocation();
  schemas.push(location);
  return location;
}

/** The tables the schema has today; a table added later is copied too (and counted), if empty here. */
const POPULATED = [
  'staff', 'sessions', 'ended_sessions', 'recovery_codes', 'auth_flows', 'staff_preferences', 'mark_labels', 'mark_labels_version',
  'audit', 'audit_chain', 'audit_terms', 'mark_writes_in_flight', 'jobs', 'job_rows', 'job_writes', 'job_checks', 'job_effects',
  'surveys', 'survey_users', 'login_ip_attempts', 'login_unknown_names',
];

/** A SQLite database with something in every table, written by the app's own functions where it has them. */
async function populate(store: Store, entries = 40): Promise<void> {
  const now = new Date('2026-11-20T08:00:00.000Z');
  await createStaff(store, { username: 'rita', role: 'admin', password: 'rita’s long passphrase' });
  await createStaff(store, { username: 'kim', role: 'editor', password: 'kim’s long passphrase' });
  const { sessionId } = await createSession(store, 'rita', { ip: '192.0.2.1', userAgent: 'test' });
  const ended = await createSession(store, 'kim', { ip: '192.0.2.2', userAgent: 'test' });
  await endSessions(store, [hashSessionId(ended.sessionId)], 'revoked');
  expect(sessionId).toBeTruthy();
  await replaceLabels(store, { '32': { name: 'VIP', description: 'big spender' }, '40': { name: 'Churn risk' } }, 'rita', now);

  // Mark entries: one-shot ones, intents with outcomes, an intent still in flight, admin activity.
  await recordEntries(
    store,
    Array.from({ length: entries }, (_, index) => oneShotEntry({ chatUser: `user.${index % 7}`, reason: `ticket ${index}`, requestId: `req-${index}` })),
  );
  const intents = await recordIntents(store, [0, 1, 2].map((index) => ({ ...oneShotEntry({ chatUser: `flight.${index}` }), before: null })));
  await recordOutcomes(store, intents.slice(0, 2).map((entryId) => ({ entryId, status: 'applied', before: { bits: [], customMark: '' }, after: { bits: [0], customMark: '' } })));
  await holdBefore(store, [{ entryId: intents[2]!, before: { bits: [1], customMark: 'x' } }]);
  await recordAdminActivity(store, { staff: 'rita', action: 'staff_created', target: 'kim', ip: '192.0.2.1', userAgent: 'test' });

  // A checked bulk job with rows, and its effects and a call in flight.
  const { jobId } = await storeCheckedJob(store, { createdBy: 'kim', clock: systemClock }, readJobCsv(Readable.from([csvOf(plannedRows(['bulk.a', 'bulk.b'], 3))]), { names: bitNamesFrom({}) }));
  await insertSurvey(store, { label: 'weekly', source: { kind: 'users' }, includeRecent: true, users: ['s.1', 's.2', 's.3'], createdBy: 'rita', createdAt: now });

  // What the app writes only on paths this test does not walk (MFA, SSO, a running job, sign-in throttling).
  await store.write(async (tx) => {
    await tx.insertInto('recovery_codes').values({ username: 'rita', code_hash: 'c0de', used_at: null }).execute();
    await tx.insertInto('auth_flows').values({ id_hash: 'flow', kind: 'mfa', username: 'rita', session_hash: null, data_json: '{}', created_at: now.toISOString() }).execute();
    await tx.insertInto('staff_preferences').values({ username: 'kim', language: 'ko' }).execute();
    await tx.insertInto('job_writes').values({ job_id: jobId, chat_user: 'bulk.a', lines_json: '[]' }).execute();
    await tx.insertInto('job_effects').values({ job_id: jobId, measured_at: now.toISOString(), result_json: '{}' }).execute();
    await tx.insertInto('job_checks').values({ job_id: jobId, kind: 'alreadyInState', line: 2, found_json: null }).execute();
    await tx.insertInto('login_ip_attempts').values({ attempt_id: 'a1', ip_key: '192.0.2.9', at_ms: now.getTime() }).execute();
    await tx.insertInto('login_unknown_names').values({ name_hash: 'n1', failures: 2, locked_until_ms: 0, last_failure_ms: now.getTime() }).execute();
  });
}

/** Every row of a table, in a stable order, as plain values (both engines give numbers and strings). */
async function tableRows(store: Pick<Store, 'read'>, table: string): Promise<string[]> {
  return (await rawAll(store, `SELECT * FROM ${table}`)).map((row) => JSON.stringify(row)).sort();
}


function io(env: Record<string, string>, cwd: string): MigrateCliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { env, cwd, stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text) }, out: () => out, err: () => err };
}

describe('npm run migrate on SQLite', () => {
  it('applies the migrations to the data directory’s database, then says it is up to date', async () => {
    const first = io({ MARKDESK_DATA_DIR: join(dir, 'data') }, dir);
    expect(await runMigrateCli([], first)).toBe(0);
    expect(first.out().split('\n')).toEqual([`SQLite ${join(dir, 'data', DATABASE_FILE_NAME)}:`, ...Object.keys(migrations).map((name) => `  applied ${name}`), '']);
    // The server's first start would have written the key file: so does this.
    expect(first.err()).toContain(`Generated the audit log key in ${join(dir, 'data', AUDIT_KEY_FILE_NAME)}`);
    const again = io({ MARKDESK_DATA_DIR: join(dir, 'data') }, dir);
    expect(await runMigrateCli([], again)).toBe(0);
    expect(again.out()).toBe(`SQLite ${join(dir, 'data', DATABASE_FILE_NAME)}: the schema is up to date (${Object.keys(migrations).at(-1)}).\n`);
  });

  it('answers usage mistakes with exit code 2, and a copy without a PostgreSQL database with 1', async () => {
    for (const args of [['--from-sqlite'], ['--frm-sqlite', 'x'], ['--keep-broken-chain']]) {
      const run = io({}, dir);
      expect(await runMigrateCli(args, run)).toBe(2);
      expect(run.err()).toMatch(/^error: .*\nUsage: npm run migrate/);
    }
    const run = io({ MARKDESK_DATA_DIR: join(dir, 'data') }, dir);
    expect(await runMigrateCli(['--from-sqlite', 'data/markdesk.sqlite'], run)).toBe(1);
    expect(run.err()).toBe('error: --from-sqlite copies into PostgreSQL: set MARKDESK_DATABASE_URL to the database to copy into.\n');
  });
});

describe.runIf(url)('npm run migrate on PostgreSQL', () => {
  it('two migrations started at once on one fresh schema both succeed, and the schema is applied once', async () => {
    const location = freshSchema();
    const [a, b] = await Promise.all([migrateStore(location), migrateStore(location)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(Object.keys(postgresMigrations).sort());
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    try {
      const recorded = await client.query<{ name: string }>(`SELECT name FROM ${location.schema}.kysely_migration ORDER BY name`);
      expect(recorded.rows.map((row) => row.name)).toEqual(Object.keys(postgresMigrations).sort());
      // The baseline's one-row tables got their row once.
      const rows = await client.query(`SELECT (SELECT count(*) FROM ${location.schema}.audit_high_water) AS high_water, (SELECT count(*) FROM ${location.schema}.mark_labels_version) AS version`);
      expect(rows.rows[0]).toEqual({ high_water: '1', version: '1' });
    } finally {
      await client.end();
    }
    expect(await migrateStore(location)).toEqual({ applied: [], latest: Object.keys(migrations).at(-1) });
  });
});

describe.runIf(url)('copying a SQLite database into PostgreSQL', () => {
  it('copies every table row for row, keeps the chain and its head, continues the sequences, and refuses a second copy', async () => {
    const dataDir = join(dir, 'data');
    const file = join(dataDir, DATABASE_FILE_NAME);
    // Signed with the data directory's key file, as a SQLite deployment is by default.
    const sqlite = await openDatabase({ file });
    await populate(sqlite);
    const sqliteHead = await chainHead(sqlite.read);
    const sqliteRows = new Map<string, string[]>();
    for (const table of POPULATED) sqliteRows.set(table, await tableRows(sqlite, table));
    await sqlite.close();
    for (const table of POPULATED) expect(sqliteRows.get(table)!.length, table).toBeGreaterThan(0);

    // The key an instance is given: `hex:` and the key file's digits.
    const key = auditKeyFromSetting(`hex:${readFileSync(join(dataDir, AUDIT_KEY_FILE_NAME), 'utf8').trim()}`);
    const target = freshSchema();
    const progress: string[] = [];
    // Small batches: the audit table goes in many INSERTs, one of them short.
    const report = await copySqliteToPostgres({ sqliteFile: file, auditKey: key, target, batchRows: 7, onProgress: (p) => progress.push(`${p.table}:${p.copied}/${p.total}`) });

    expect(report.tables.map((table) => table.table)).toEqual(expect.arrayContaining(POPULATED));
    for (const table of report.tables) expect(table.postgres, table.table).toBe(table.sqlite);
    // Parents before children (the foreign keys hold at every INSERT).
    const order = report.tables.map((table) => table.table);
    expect(order.indexOf('staff')).toBeLessThan(order.indexOf('sessions'));
    expect(order.indexOf('jobs')).toBeLessThan(order.indexOf('job_rows'));
    expect(order.indexOf('surveys')).toBeLessThan(order.indexOf('survey_users'));
    expect(progress).toContain(`audit:7/${report.tables.find((table) => table.table === 'audit')!.sqlite}`);
    expect(report.chain).toMatchObject({ ok: true, breakCount: 0 });
    expect(report.head).toEqual({ sqlite: sqliteHead, postgres: sqliteHead });
    expect(report.brokenInSource).toBe(false);

    // An instance opens it with that key: every row is the file's, and the chain verifies.
    const postgres = await openStore(target, key);
    try {
      for (const table of POPULATED) expect(await tableRows(postgres, table), table).toEqual(sqliteRows.get(table));
      expect(await verifyAuditChain(postgres)).toMatchObject({ ok: true, head: sqliteHead });

      // New rows continue after the copied ids: the next audit entry is seq last + 1, and the chain still verifies.
      const [id] = await recordEntries(postgres, [oneShotEntry({ reason: 'after the move' })]);
      const appended = await selectRow<{ seq: number }>(postgres.read, 'SELECT seq FROM audit WHERE id = ?', [id]);
      expect(appended?.seq).toBe(sqliteHead!.seq + 1);
      expect(await verifyAuditChain(postgres)).toMatchObject({ ok: true, head: { seq: sqliteHead!.seq + 1 } });
      const lastJob = Math.max(...(await rawAll<{ seq: number }>(postgres, 'SELECT seq FROM jobs')).map((row) => row.seq));
      const { jobId } = await storeCheckedJob(postgres, { createdBy: 'kim', clock: systemClock }, readJobCsv(Readable.from([csvOf(plannedRows(['later'], 1))]), { names: bitNamesFrom({}) }));
      expect((await selectRow<{ seq: number }>(postgres.read, 'SELECT seq FROM jobs WHERE id = ?', [jobId]))?.seq).toBe(lastJob + 1);
    } finally {
      await postgres.close();
    }

    // Into a database that now has a history: refused, before anything is written.
    await expect(copySqliteToPostgres({ sqliteFile: file, auditKey: key, target })).rejects.toThrow(
      new CopyError(
        `The PostgreSQL database already holds data (staff: 2, audit: ${sqliteHead!.seq + 1}, jobs: 2, surveys: 1, mark_labels: 2 rows): the copy goes only into an empty database, so that two histories are never merged. Copy before any instance starts on it.`,
      ),
    );
  });

  it('copies a log keyed from a later seq, with a repaired old row, and refuses a wrong key before writing anything', async () => {
    const file = join(dir, DATABASE_FILE_NAME);
    await writeLegacyDatabase(file, ['fine', 'cut emoji \ud83d', 'after']);
    const sqlite = await openDatabase({ file, auditKey: KEY });
    await recordEntries(sqlite, [oneShotEntry({}), oneShotEntry({ reason: 'keyed' })]);
    const keyedFrom = (await rawAll<{ keyed_from: number }>(sqlite, 'SELECT keyed_from FROM audit_chain'))[0]!.keyed_from;
    expect(keyedFrom).toBe(4);
    expect(await verifyAuditChain(sqlite)).toMatchObject({ ok: true, repaired: 1 });
    await sqlite.close();

    const target = freshSchema();
    await expect(copySqliteToPostgres({ sqliteFile: file, auditKey: Buffer.alloc(32, 1), target })).rejects.toThrow(/The audit key does not match this database/);
    const report = await copySqliteToPostgres({ sqliteFile: file, auditKey: KEY, target });
    expect(report.chain).toMatchObject({ ok: true, checked: 6, repaired: 1 });
    const postgres = await openStore(target, KEY);
    try {
      expect(await rawAll(postgres, 'SELECT keyed_from FROM audit_chain')).toEqual([{ keyed_from: 4 }]);
      expect(await verifyAuditChain(postgres)).toMatchObject({ ok: true, checked: 6, repaired: 1 });
    } finally {
      await postgres.close();
    }
  });

  it('copies a log whose end was cut only when told to, and the cut still shows on PostgreSQL', async () => {
    const file = join(dir, DATABASE_FILE_NAME);
    const sqlite = await openDatabase({ file, auditKey: KEY });
    await createStaff(sqlite, { username: 'rita', role: 'admin', password: 'rita’s long passphrase' });
    await recordEntries(sqlite, Array.from({ length: 5 }, (_, index) => oneShotEntry({ requestId: `cut-${index}` })));
    await rawExec(sqlite, 'DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq > 3');
    expect(await verifyAuditChain(sqlite)).toMatchObject({ ok: false, problem: 'missing-after' });
    await sqlite.close();

    const target = freshSchema();
    await expect(copySqliteToPostgres({ sqliteFile: file, auditKey: KEY, target })).rejects.toThrow(
      /^The SQLite file's audit chain itself does not verify \(1 problem, the first missing-after at end-of-log\).*--keep-broken-chain\.$/,
    );
    // Nothing was committed: the copy can be made again.
    const report = await copySqliteToPostgres({ sqliteFile: file, auditKey: KEY, target, keepBrokenChain: true });
    expect(report).toMatchObject({ brokenInSource: true, chain: { ok: false, problem: 'missing-after' }, highestSeq: { sqlite: 5, postgres: 5 }, head: { postgres: { seq: 3 } } });
    const postgres = await openStore(target, KEY);
    try {
      expect(await selectRow(postgres.read, HIGHEST_AUDIT_SEQ)).toEqual({ seq: 5 });
      // As on SQLite, a seq is never given twice: the next entry is 6, after the cut ones.
      const [id] = await recordEntries(postgres, [oneShotEntry({ requestId: 'after' })]);
      expect(await selectRow(postgres.read, 'SELECT seq FROM audit WHERE id = ?', [id])).toEqual({ seq: 6 });
    } finally {
      await postgres.close();
    }
  });

  it('npm run migrate -- --from-sqlite copies and reports, with the key instruction and neither the key nor the password', async () => {
    const dataDir = join(dir, 'data');
    const sqlite = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME) });
    await populate(sqlite, 3);
    await sqlite.close();
    // The CLI takes no schema: the test's schema goes in as the connection's search_path.
    const target = freshSchema();
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query(`CREATE SCHEMA ${target.schema}`);
    await client.end();
    const databaseUrl = new URL(target.url);
    databaseUrl.password = 'not-a-real-password';
    databaseUrl.searchParams.set('options', `-c search_path=${target.schema}`);
    // The password above is not needed by the trust-auth test server; it must just never be printed.
    writeFileSync(join(dir, '.env'), `MARKDESK_DATABASE_URL=${databaseUrl.href}\n`);

    const migrate = io({}, dir);
    expect(await runMigrateCli([], migrate)).toBe(0);
    expect(migrate.out()).toContain('  applied 0016_mark_writes_in_flight (the PostgreSQL baseline: the schema as of 0001–0016)\n');

    const run = io({}, dir);
    expect(await runMigrateCli(['--from-sqlite', 'data/markdesk.sqlite'], run)).toBe(0);
    const out = run.out();
    expect(out).toMatch(new RegExp(`^Copied ${join(dataDir, DATABASE_FILE_NAME).replaceAll('.', '\\.')} into PostgreSQL database "[^"]+" on [^ ]+ in [0-9.]+ s, and checked the copy:\n`));
    expect(out).toMatch(/\n {2}audit +\d+ +\d+\n/);
    expect(out).toMatch(/\nAudit chain: \d+ entries verified under the same key; newest entry seq \d+, hash [0-9a-f]{64}, the same as the file's\.\n/);
    expect(out).toContain(`MARKDESK_AUDIT_KEY="hex:$(cat '${join(dataDir, AUDIT_KEY_FILE_NAME)}')"`);
    const keyText = readFileSync(join(dataDir, AUDIT_KEY_FILE_NAME), 'utf8').trim();
    for (const text of [out, run.err(), migrate.out(), migrate.err()]) {
      expect(text).not.toContain(keyText);
      expect(text).not.toContain('not-a-real-password');
    }

    const again = io({}, dir);
    expect(await runMigrateCli(['--from-sqlite', 'data/markdesk.sqlite'], again)).toBe(1);
    expect(again.err()).toMatch(/^error: The PostgreSQL database already holds data \(staff: 2, .*\n$/);
  });
});
