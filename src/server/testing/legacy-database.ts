// A SQLite database as a version before the keyed chain (0004) left it: migrations up to 0003 and
// audit rows chained with plain SHA-256, for the tests of opening, repairing and copying such a log.
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { createHash } from 'node:crypto';
import { blankContent, GENESIS_HASH } from '../store/audit-chain';
import { migrations } from '../store/migrations';

/** The columns the old code hashed, in its order. */
const LEGACY_COLUMNS = ['after_json', 'at', 'before_json', 'chat_user', 'conversation_id', 'conversation_type', 'id', 'kind', 'message', 'reason', 'refers_to', 'request_id', 'requested_json', 'revert_of', 'staff', 'status', 'upstream_code'] as const;

/** Writes `file` with one legacy entry per reason (ids legacy-0, legacy-1 …). */
export async function writeLegacyDatabase(file: string, reasons: string[]): Promise<void> {
  const sqlite = new BetterSqlite3(file);
  const db = new Kysely<Record<string, never>>({ dialect: new SqliteDialect({ database: sqlite }) });
  const upTo3 = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0004'));
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => upTo3 } }).migrateToLatest();
  if (error) throw error;
  let prev = GENESIS_HASH;
  reasons.forEach((reason, index) => {
    const row = blankContent(`legacy-${index}`, 'entry', '2026-11-01T08:00:00.000Z');
    Object.assign(row, { staff: 'rita', chat_user: 'user0', conversation_type: 'c2c', conversation_id: 'user1', status: 'applied', reason, request_id: `r${index}` });
    // The old code hashed the JavaScript string; SQLite stored what UTF-8 can hold.
    const hash = createHash('sha256').update(prev + JSON.stringify(Object.fromEntries(LEGACY_COLUMNS.map((column) => [column, row[column]])))).digest('hex');
    sqlite
      .prepare(`INSERT INTO audit (${LEGACY_COLUMNS.join(', ')}, prev_hash, hash) VALUES (${LEGACY_COLUMNS.map(() => '?').join(', ')}, ?, ?)`)
      .run(...LEGACY_COLUMNS.map((column) => row[column]), prev, hash);
    prev = hash;
  });
  await db.destroy();
}
