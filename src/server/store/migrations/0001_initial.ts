import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

export const initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('staff')
      .addColumn('username', 'text', (c) => c.primaryKey().check(sql`username NOT GLOB '*[^a-z0-9._-]*' AND length(username) BETWEEN 1 AND 64`))
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('viewer', 'editor', 'admin')`))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0).check(sql`disabled IN (0, 1)`))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_login_at', 'text')
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('username', 'text', (c) => c.notNull().references('staff.username').onDelete('cascade'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_by_username').on('sessions').column('username').execute();

    await db.schema
      .createTable('audit')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('intent', 'outcome', 'entry')`))
      .addColumn('refers_to', 'text', (c) => c.references('audit.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('staff', 'text')
      .addColumn('chat_user', 'text')
      .addColumn('conversation_type', 'text', (c) => c.check(sql`conversation_type IN ('c2c', 'group')`))
      .addColumn('conversation_id', 'text')
      .addColumn('requested_json', 'text')
      .addColumn('before_json', 'text')
      .addColumn('after_json', 'text')
      .addColumn('status', 'text', (c) => c.check(sql`status IN ('applied', 'unchanged', 'conflict', 'failed')`))
      .addColumn('upstream_code', 'integer')
      .addColumn('message', 'text')
      .addColumn('reason', 'text')
      .addColumn('request_id', 'text')
      .addColumn('revert_of', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addCheckConstraint(
        'audit_row_shape',
        sql`(kind = 'outcome' AND refers_to IS NOT NULL AND status IS NOT NULL)
            OR (kind = 'intent' AND refers_to IS NULL AND status IS NULL AND staff IS NOT NULL)
            OR (kind = 'entry' AND refers_to IS NULL AND status IS NOT NULL AND staff IS NOT NULL)`,
      )
      .execute();
    // An intent has at most one outcome: the unique index makes a second one impossible.
    await db.schema.createIndex('audit_outcome_of').on('audit').column('refers_to').unique().where('refers_to', 'is not', null).execute();
    // The history page filters by one of these and pages newest first (by seq). Partial indexes:
    // outcome rows carry none of these columns, and bulk jobs append one per mark.
    await db.schema.createIndex('audit_by_chat_user').on('audit').columns(['chat_user', 'seq']).where('chat_user', 'is not', null).execute();
    await db.schema.createIndex('audit_by_staff').on('audit').columns(['staff', 'seq']).where('staff', 'is not', null).execute();
    await db.schema
      .createIndex('audit_by_conversation')
      .on('audit')
      .columns(['conversation_id', 'conversation_type', 'seq'])
      .where('conversation_id', 'is not', null)
      .execute();
    await db.schema.createIndex('audit_by_revert_of').on('audit').column('revert_of').where('revert_of', 'is not', null).execute();
    await sql`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
              BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);
    await sql`CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
              BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`.execute(db);

    await db.schema
      .createTable('mark_labels')
      .addColumn('bit', 'integer', (c) => c.primaryKey().check(sql`bit BETWEEN 32 AND 63`))
      .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) BETWEEN 1 AND 40`))
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
  },
};
