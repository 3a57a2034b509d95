import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// Label versions: one row that says which version of the custom-bit labels is current, who saved
// it and when. Every successful replace bumps the version inside the same transaction that
// replaces the labels, so a save can insist on the version it was based on (compare-and-swap) and
// two admins saving at once cannot silently overwrite each other. Existing labels start at
// version 1 with nobody named; an empty table starts at version 0.
export const labelVersions: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE TABLE mark_labels_version (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL CHECK (version >= 0),
      updated_by TEXT,
      updated_at TEXT
    )`.execute(db);
    await sql`INSERT INTO mark_labels_version (id, version, updated_by, updated_at)
              VALUES (1, CASE WHEN EXISTS (SELECT 1 FROM mark_labels) THEN 1 ELSE 0 END, NULL, NULL)`.execute(db);
  },
};
