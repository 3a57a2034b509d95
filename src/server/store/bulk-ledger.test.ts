// 0014_bulk_ledger: history search indexes each distinct value once (audit_terms) instead of every
// entry's text; entries written before the migration are found exactly as before, and entries
// written after it add only the values not seen yet.
import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordEntries } from './audit';
import { queryAudit, type AuditFilter } from './audit-query';
import { migrateToLatest, openDatabase, type Database } from './database';
import { rawAll } from '../testing/raw-sql';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneShotEntry } from './audit-test-entry';
import { createFakeClock } from '../testing/fake-clock';
import { migrations } from './migrations';

const before = (name: string) => name < '0014_bulk_ledger';

const entry = oneShotEntry;

describe('migration 0014_bulk_ledger', () => {
  it('finds the entries written before it, and those written after, by the same searches', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'markdesk-0014-')), 'markdesk.sqlite');
    const sqlite = new BetterSqlite3(file);
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const older = Object.fromEntries(Object.entries(migrations).filter(([name]) => before(name)));
    const migrator = new Migrator({ db, provider: { getMigrations: async (): Promise<Record<string, Migration>> => older } });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    // Entries as the code before the migration stored them (the hashes do not matter here).
    const insert = sqlite.prepare(
      `INSERT INTO audit (id, kind, at, staff, chat_user, conversation_type, conversation_id, requested_json, status, reason, request_id, prev_hash, hash)
       VALUES (?, 'entry', '2026-11-20T08:00:00.000Z', ?, ?, ?, ?, '{"setBits":[0],"clearBits":[]}', 'applied', ?, ?, 'x', 'x')`,
    );
    insert.run('e1', 'support.kim', 'heavy.user', 'c2c', 'shop.seoul', 'Ticket #4711: customer lost the shop chat', 'req-a');
    insert.run('e2', 'admin.lee', 'light.user', 'group', '@TGS#2VIPROOM', 'TICKET 5020 escalated', 'req-b');
    insert.run('e3', 'ops', 'mina', 'c2c', 'p1', '工单 4711 客户反馈', 'job:J1:line:2');

    await migrateToLatest(db);
    const tables = (sqlite.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'audit_search%' OR name LIKE 'audit_terms%' ORDER BY name`).all() as { name: string }[]).map((row) => row.name);
    expect(tables).not.toContain('audit_search');
    expect(tables).toContain('audit_terms');
    await db.destroy();
    // From here on through the store, as the server opens the migrated file.
    const store = await openDatabase({ file, auditKey: randomBytes(32) });
    const terms = () => rawAll(store, `SELECT field, value FROM audit_terms ORDER BY field, value`);
    expect(await terms()).toEqual([
      { field: 'chat_user', value: 'heavy.user' },
      { field: 'chat_user', value: 'light.user' },
      { field: 'chat_user', value: 'mina' },
      { field: 'conversation_id', value: '@TGS#2VIPROOM' },
      { field: 'conversation_id', value: 'p1' },
      { field: 'conversation_id', value: 'shop.seoul' },
      { field: 'reason', value: 'TICKET 5020 escalated' },
      { field: 'reason', value: 'Ticket #4711: customer lost the shop chat' },
      { field: 'reason', value: '工单 4711 客户反馈' },
      { field: 'staff', value: 'admin.lee' },
      { field: 'staff', value: 'ops' },
      { field: 'staff', value: 'support.kim' },
    ]);

    const clock = createFakeClock('2026-11-20T08:00:00.000Z');
    // A bulk job's lines after the migration: one staff, one reason, values mostly seen already.
    await recordEntries(
      store,
      Array.from({ length: 20 }, (_, index) =>
        entry({ staff: 'ops', chatUser: index % 2 === 0 ? 'mina' : 'new.user', conversation: { type: 'c2c', id: `p${index % 3}` }, reason: 'bulk job J2', requestId: `job:J2:line:${index + 2}` }),
      ),
      clock,
    );
    expect(await terms()).toHaveLength(12 + 4); // new.user, p0, p2, 'bulk job J2'

    const find = async (filter: Omit<AuditFilter, 'limit'>) =>
      (await queryAudit(store.read, { ...filter, limit: 100 }))
        .entries.map((found) => `${found.chatUser}/${found.conversation.id}`)
        .sort();
    expect(await find({ reasonSearch: '4711' })).toEqual(['heavy.user/shop.seoul', 'mina/p1']);
    expect(await find({ reasonSearch: 'ticket escalated' })).toEqual(['light.user/@TGS#2VIPROOM']);
    expect(await find({ reasonSearch: '客户' })).toEqual(['mina/p1']);
    const newUser = ['new.user/p0', 'new.user/p0', 'new.user/p0', 'new.user/p1', 'new.user/p1', 'new.user/p1', 'new.user/p1', 'new.user/p2', 'new.user/p2', 'new.user/p2'];
    expect(await find({ match: 'contains', chatUser: 'USER' })).toEqual(['heavy.user/shop.seoul', 'light.user/@TGS#2VIPROOM', ...newUser]);
    expect(await find({ match: 'contains', conversationId: 'viproom' })).toEqual(['light.user/@TGS#2VIPROOM']);
    expect(await find({ match: 'contains', staff: 'kim' })).toEqual(['heavy.user/shop.seoul']);
    expect(await find({ reasonSearch: 'job J2', match: 'contains', chatUser: 'mina' })).toHaveLength(10);
    expect(await find({ reasonSearch: 'job J2', match: 'contains', chatUser: 'min', conversationId: 'p2' })).toEqual(Array(3).fill('mina/p2'));
    expect(await find({ jobId: 'J2' })).toHaveLength(20);
    await store.close();
  });
});
