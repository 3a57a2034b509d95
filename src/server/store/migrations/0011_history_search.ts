import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// History search. A contentless FTS5 table with the trigram tokenizer indexes, for each mark entry
// (intent or one-shot entry, by its seq), the chat user, the conversation ID, the staff name and the
// reason: any run of three or more characters is found through the index, case-insensitively and
// in any script (Chinese and Korean have no spaces to split words on, so a word tokenizer would not
// do). Shorter search terms are matched by a scan. The audit table is append-only, so an insert
// trigger is all it takes to keep the index whole; rows already there are indexed once here.
export const historySearch: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE VIRTUAL TABLE audit_search USING fts5(chat_user, conversation_id, staff, reason, content='', tokenize='trigram')`.execute(db);
    await sql`INSERT INTO audit_search (rowid, chat_user, conversation_id, staff, reason)
              SELECT seq, chat_user, conversation_id, staff, reason FROM audit WHERE kind IN ('intent', 'entry')`.execute(db);
    await sql`CREATE TRIGGER audit_search_index AFTER INSERT ON audit WHEN new.kind IN ('intent', 'entry')
              BEGIN
                INSERT INTO audit_search (rowid, chat_user, conversation_id, staff, reason)
                VALUES (new.seq, new.chat_user, new.conversation_id, new.staff, new.reason);
              END`.execute(db);
    // The language each person chose, so it follows them to another browser (null: not chosen yet).
    await sql`CREATE TABLE staff_preferences (
      username TEXT PRIMARY KEY REFERENCES staff (username) ON DELETE CASCADE,
      language TEXT CHECK (language IN ('en', 'ko', 'zh-CN'))
    ) WITHOUT ROWID`.execute(db);
  },
};
