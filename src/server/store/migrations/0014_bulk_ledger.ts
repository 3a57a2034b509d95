import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// History search without indexing every row's text. 0011 tokenised the chat user, conversation ID,
// staff name and reason of every mark entry into trigrams — about 60 index entries a row, most of
// them the same reason and staff repeated over each line of a bulk job. Now each distinct value is
// indexed once: `audit_terms` holds the distinct (field, value) pairs of mark entries, a contentless
// FTS5 trigram table indexes those values (one column per field, as before), and a search matches
// the values first, then finds their entries through the equality indexes on audit (chat user,
// conversation, staff and, new here, reason). The code that appends audit rows (audit-chain.ts)
// adds a value the first time it appears, once per distinct value of a batch, in the same
// transaction; a trigger on audit cost as much per row as the trigrams did. The trigram table of
// 0011 and its trigger go; the values already in the log are collected here.
export const bulkLedger: Migration = {
  async up(db: AnyDb) {
    await sql`DROP TRIGGER IF EXISTS audit_search_index`.execute(db);
    await sql`DROP TABLE IF EXISTS audit_search`.execute(db);
    await sql`CREATE TABLE audit_terms (
      id INTEGER PRIMARY KEY,
      field TEXT NOT NULL CHECK (field IN ('chat_user', 'conversation_id', 'staff', 'reason')),
      value TEXT NOT NULL,
      UNIQUE (field, value)
    )`.execute(db);
    await sql`CREATE VIRTUAL TABLE audit_terms_search USING fts5(chat_user, conversation_id, staff, reason, content='', tokenize='trigram')`.execute(db);
    await sql`CREATE TRIGGER audit_terms_search_index AFTER INSERT ON audit_terms
              BEGIN
                INSERT INTO audit_terms_search (rowid, chat_user, conversation_id, staff, reason)
                VALUES (new.id,
                        CASE new.field WHEN 'chat_user' THEN new.value END,
                        CASE new.field WHEN 'conversation_id' THEN new.value END,
                        CASE new.field WHEN 'staff' THEN new.value END,
                        CASE new.field WHEN 'reason' THEN new.value END);
              END`.execute(db);
    for (const field of ['chat_user', 'conversation_id', 'staff', 'reason']) {
      await sql`INSERT OR IGNORE INTO audit_terms (field, value)
                SELECT DISTINCT ${field}, ${sql.ref(field)} FROM audit WHERE kind IN ('intent', 'entry') AND ${sql.ref(field)} IS NOT NULL`.execute(db);
    }
    // A search on the reason finds its entries here, newest first. A bulk job's lines share one
    // reason, so they are appended side by side.
    await sql`CREATE INDEX audit_by_reason ON audit (reason, seq) WHERE reason IS NOT NULL`.execute(db);
  },
};
