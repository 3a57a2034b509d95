import { type Migration, sql } from 'kysely';
import type { AnyDb } from './any-db';

// Conversation group changes are audit intent/outcome/entry rows with an action (group.create …,
// store/group-audit.ts). Beside millions of mark rows they are a trickle: their own partial index
// lists a user's group changes, and finds the ones left unknown, without walking the mark rows.
export const conversationGroups: Migration = {
  async up(db: AnyDb) {
    await sql`CREATE INDEX audit_group_changes ON audit (chat_user, seq)
              WHERE kind IN ('intent', 'entry') AND action IS NOT NULL AND action LIKE 'group.%'`.execute(db);
  },
};
