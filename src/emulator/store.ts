// The emulator's state in SQLite (better-sqlite3, the engine the BFF uses too): a file when given,
// so state survives restarts, else :memory:. Masks are stored as 16 hex digits (TEXT): SQLite's
// INTEGER is signed and REAL would lose bits.
import Database from 'better-sqlite3';
import { CONTACT_TYPE_C2C, CONTACT_TYPE_GROUP, type ConversationRef } from './validate';

export type AccountRow = { userId: string; nick: string; faceUrl: string; importedAt: number };

export type ChatGroupRow = {
  groupId: string;
  type: string;
  name: string;
  ownerAccount: string;
  introduction: string;
  notification: string;
  faceUrl: string;
  maxMemberNum: number;
  applyJoinOption: string;
  createdAt: number;
  dismissedAt: number | null;
  lastMsgSeq: number;
  lastMsgTime: number;
};

export type GroupMemberRow = { groupId: string; userId: string; role: string; joinTime: number };

export type RecentRow = ConversationRef & { msgTime: number; pinned: boolean };

export type MarkRow = ConversationRef & { mask: bigint; customMark: string; updatedAt: number };

export type ContactGroupRow = { groupId: number; name: string };

const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS account (
  user_id TEXT PRIMARY KEY,
  nick TEXT NOT NULL DEFAULT '',
  face_url TEXT NOT NULL DEFAULT '',
  imported_at INTEGER NOT NULL,
  next_contact_group_id INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS chat_group (
  group_id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  owner_account TEXT NOT NULL DEFAULT '',
  introduction TEXT NOT NULL DEFAULT '',
  notification TEXT NOT NULL DEFAULT '',
  face_url TEXT NOT NULL DEFAULT '',
  max_member_num INTEGER NOT NULL,
  apply_join_option TEXT NOT NULL DEFAULT 'NeedPermission',
  created_at INTEGER NOT NULL,
  dismissed_at INTEGER,
  last_msg_seq INTEGER NOT NULL DEFAULT 0,
  last_msg_time INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS group_member (
  group_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  join_time INTEGER NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX IF NOT EXISTS group_member_by_user ON group_member (user_id);
CREATE TABLE IF NOT EXISTS recent_contact (
  owner TEXT NOT NULL,
  conv_type INTEGER NOT NULL,
  peer TEXT NOT NULL,
  msg_time INTEGER NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (owner, conv_type, peer)
);
CREATE INDEX IF NOT EXISTS recent_contact_by_time ON recent_contact (owner, pinned, msg_time DESC, conv_type, peer);
CREATE TABLE IF NOT EXISTS conversation_mark (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  owner TEXT NOT NULL,
  conv_type INTEGER NOT NULL,
  peer TEXT NOT NULL,
  standard_mark_hex TEXT NOT NULL,
  custom_mark TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL,
  UNIQUE (owner, conv_type, peer)
);
-- Marked or grouped conversations per owner, kept by triggers: the 1,000 cap is checked for every
-- new item of a mark_contact call, and counting an owner's rows each time costs up to 1,000 steps.
CREATE TABLE IF NOT EXISTS mark_count (owner TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS mark_count_on_insert AFTER INSERT ON conversation_mark BEGIN
  INSERT INTO mark_count (owner, n) VALUES (NEW.owner, 1) ON CONFLICT (owner) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS mark_count_on_delete AFTER DELETE ON conversation_mark BEGIN
  UPDATE mark_count SET n = n - 1 WHERE owner = OLD.owner;
END;
CREATE TABLE IF NOT EXISTS contact_group (
  owner TEXT NOT NULL,
  group_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (owner, group_id),
  UNIQUE (owner, name)
);
CREATE TABLE IF NOT EXISTS contact_group_member (
  owner TEXT NOT NULL,
  group_id INTEGER NOT NULL,
  conv_type INTEGER NOT NULL,
  peer TEXT NOT NULL,
  PRIMARY KEY (owner, group_id, conv_type, peer)
);
CREATE INDEX IF NOT EXISTS contact_group_member_by_conversation ON contact_group_member (owner, conv_type, peer);
`;

/** Tables in the order reset() empties them and dumps list them. */
export const STATE_TABLES = [
  'account',
  'chat_group',
  'group_member',
  'recent_contact',
  'conversation_mark',
  'contact_group',
  'contact_group_member',
  'meta',
] as const;

export function maskToHex(mask: bigint): string {
  return mask.toString(16).padStart(16, '0');
}

export function maskFromHex(hex: string): bigint {
  return BigInt(`0x${hex}`);
}

type SqlRow = Record<string, unknown>;

function conversationType(value: unknown): ConversationRef['type'] {
  return value === CONTACT_TYPE_GROUP ? CONTACT_TYPE_GROUP : CONTACT_TYPE_C2C;
}

function toGroup(row: SqlRow): ChatGroupRow {
  return {
    groupId: row.group_id as string,
    type: row.type as string,
    name: row.name as string,
    ownerAccount: row.owner_account as string,
    introduction: row.introduction as string,
    notification: row.notification as string,
    faceUrl: row.face_url as string,
    maxMemberNum: row.max_member_num as number,
    applyJoinOption: row.apply_join_option as string,
    createdAt: row.created_at as number,
    dismissedAt: (row.dismissed_at as number | null) ?? null,
    lastMsgSeq: row.last_msg_seq as number,
    lastMsgTime: row.last_msg_time as number,
  };
}

function toRecent(row: SqlRow): RecentRow {
  return {
    type: conversationType(row.conv_type),
    peer: row.peer as string,
    msgTime: row.msg_time as number,
    pinned: row.pinned === 1,
  };
}

function toMark(row: SqlRow): MarkRow {
  return {
    type: conversationType(row.conv_type),
    peer: row.peer as string,
    mask: maskFromHex(row.standard_mark_hex as string),
    customMark: row.custom_mark as string,
    updatedAt: row.updated_at as number,
  };
}

export class EmulatorStore {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<EmulatorStore['prepare']>;

  constructor(file: string | undefined) {
    this.db = new Database(file ?? ':memory:');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    // Recounted at every open: a file from before mark_count existed gets its counts here.
    this.db.exec('DELETE FROM mark_count; INSERT INTO mark_count (owner, n) SELECT owner, COUNT(*) FROM conversation_mark GROUP BY owner');
    this.statements = this.prepare();
    if (this.getMeta('schema_version') === undefined) this.setMeta('schema_version', SCHEMA_VERSION);
  }

  private prepare() {
    const db = this.db;
    return {
      getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      getAccount: db.prepare('SELECT user_id, nick, face_url, imported_at FROM account WHERE user_id = ?'),
      upsertAccount: db.prepare(
        `INSERT INTO account (user_id, nick, face_url, imported_at) VALUES (@userId, @nick, @faceUrl, @importedAt)
         ON CONFLICT (user_id) DO UPDATE SET nick = excluded.nick, face_url = excluded.face_url`,
      ),
      takeContactGroupId: db.prepare(
        'UPDATE account SET next_contact_group_id = next_contact_group_id + 1 WHERE user_id = ? RETURNING next_contact_group_id - 1 AS id',
      ),
      getGroup: db.prepare('SELECT * FROM chat_group WHERE group_id = ?'),
      insertGroup: db.prepare(
        `INSERT INTO chat_group (group_id, type, name, owner_account, introduction, notification, face_url, max_member_num,
           apply_join_option, created_at, dismissed_at, last_msg_seq, last_msg_time)
         VALUES (@groupId, @type, @name, @ownerAccount, @introduction, @notification, @faceUrl, @maxMemberNum,
           @applyJoinOption, @createdAt, @dismissedAt, @lastMsgSeq, @lastMsgTime)`,
      ),
      dismissGroup: db.prepare('UPDATE chat_group SET dismissed_at = ? WHERE group_id = ?'),
      setGroupLastMessage: db.prepare('UPDATE chat_group SET last_msg_seq = ?, last_msg_time = ? WHERE group_id = ?'),
      insertMember: db.prepare(
        'INSERT OR IGNORE INTO group_member (group_id, user_id, role, join_time) VALUES (?, ?, ?, ?)',
      ),
      isMember: db.prepare('SELECT 1 FROM group_member WHERE group_id = ? AND user_id = ?'),
      members: db.prepare('SELECT group_id, user_id, role, join_time FROM group_member WHERE group_id = ? ORDER BY join_time, rowid'),
      memberCount: db.prepare('SELECT COUNT(*) AS n FROM group_member WHERE group_id = ?'),
      groupsOfMember: db.prepare(
        `SELECT g.*, m.join_time AS member_join_time FROM group_member m JOIN chat_group g ON g.group_id = m.group_id
         WHERE m.user_id = ? AND g.dismissed_at IS NULL ORDER BY m.join_time, m.rowid`,
      ),
      touchRecent: db.prepare(
        `INSERT INTO recent_contact (owner, conv_type, peer, msg_time, pinned) VALUES (?, ?, ?, ?, 0)
         ON CONFLICT (owner, conv_type, peer) DO UPDATE SET msg_time = MAX(msg_time, excluded.msg_time)`,
      ),
      setPinned: db.prepare('UPDATE recent_contact SET pinned = ? WHERE owner = ? AND conv_type = ? AND peer = ?'),
      deleteRecent: db.prepare('DELETE FROM recent_contact WHERE owner = ? AND conv_type = ? AND peer = ?'),
      recentList: db.prepare(
        'SELECT conv_type, peer, msg_time, pinned FROM recent_contact WHERE owner = ? ORDER BY msg_time DESC, conv_type, peer',
      ),
      recentPage: db.prepare(
        'SELECT conv_type, peer, msg_time, pinned FROM recent_contact WHERE owner = ? ORDER BY msg_time DESC, conv_type, peer LIMIT ? OFFSET ?',
      ),
      recentPageByPinned: db.prepare(
        'SELECT conv_type, peer, msg_time, pinned FROM recent_contact WHERE owner = ? AND pinned = ? ORDER BY msg_time DESC, conv_type, peer LIMIT ? OFFSET ?',
      ),
      recentCount: db.prepare('SELECT COUNT(*) AS n FROM recent_contact WHERE owner = ?'),
      recentCountByPinned: db.prepare('SELECT COUNT(*) AS n FROM recent_contact WHERE owner = ? AND pinned = ?'),
      getMark: db.prepare(
        'SELECT conv_type, peer, standard_mark_hex, custom_mark, updated_at FROM conversation_mark WHERE owner = ? AND conv_type = ? AND peer = ?',
      ),
      markCount: db.prepare('SELECT n FROM mark_count WHERE owner = ?'),
      upsertMark: db.prepare(
        `INSERT INTO conversation_mark (owner, conv_type, peer, standard_mark_hex, custom_mark, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (owner, conv_type, peer) DO UPDATE SET standard_mark_hex = excluded.standard_mark_hex,
           custom_mark = excluded.custom_mark, updated_at = excluded.updated_at`,
      ),
      deleteMark: db.prepare('DELETE FROM conversation_mark WHERE owner = ? AND conv_type = ? AND peer = ?'),
      markPage: db.prepare(
        `SELECT conv_type, peer, standard_mark_hex, custom_mark, updated_at FROM conversation_mark WHERE owner = ?
         ORDER BY seq LIMIT ? OFFSET ?`,
      ),
      contactGroups: db.prepare('SELECT group_id, name FROM contact_group WHERE owner = ? ORDER BY group_id'),
      contactGroupByName: db.prepare('SELECT group_id, name FROM contact_group WHERE owner = ? AND name = ?'),
      insertContactGroup: db.prepare('INSERT INTO contact_group (owner, group_id, name, created_at) VALUES (?, ?, ?, ?)'),
      renameContactGroup: db.prepare('UPDATE contact_group SET name = ? WHERE owner = ? AND group_id = ?'),
      deleteContactGroup: db.prepare('DELETE FROM contact_group WHERE owner = ? AND group_id = ?'),
      contactGroupIdsOf: db.prepare(
        'SELECT group_id FROM contact_group_member WHERE owner = ? AND conv_type = ? AND peer = ? ORDER BY group_id',
      ),
      contactGroupMemberships: db.prepare(
        'SELECT group_id, conv_type, peer FROM contact_group_member WHERE owner = ? ORDER BY group_id',
      ),
      contactGroupMembers: db.prepare(
        'SELECT conv_type, peer FROM contact_group_member WHERE owner = ? AND group_id = ? ORDER BY conv_type, peer',
      ),
      addContactGroupMember: db.prepare(
        'INSERT OR IGNORE INTO contact_group_member (owner, group_id, conv_type, peer) VALUES (?, ?, ?, ?)',
      ),
      removeContactGroupMember: db.prepare(
        'DELETE FROM contact_group_member WHERE owner = ? AND group_id = ? AND conv_type = ? AND peer = ?',
      ),
    };
  }

  close(): void {
    this.db.close();
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Empties every table (reset endpoint); the schema stays. */
  clearAll(): void {
    this.transaction(() => {
      for (const table of STATE_TABLES) this.db.exec(`DELETE FROM ${table}`);
      this.db.exec('DELETE FROM mark_count');
      this.db.exec("DELETE FROM sqlite_sequence WHERE name = 'conversation_mark'");
      this.setMeta('schema_version', SCHEMA_VERSION);
    });
  }

  /** Every row of every state table, ordered: for comparing two databases in tests. */
  dump(): Record<string, SqlRow[]> {
    const result: Record<string, SqlRow[]> = {};
    for (const table of STATE_TABLES) {
      const rows = this.db.prepare(`SELECT * FROM ${table}`).all() as SqlRow[];
      result[table] = rows
        .map((row) => JSON.stringify(row))
        .sort()
        .map((text) => JSON.parse(text) as SqlRow);
    }
    return result;
  }

  getMeta(key: string): string | undefined {
    const row = this.statements.getMeta.get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.statements.setMeta.run(key, value);
  }

  /** A named counter kept in meta (message sequences, generated group IDs). */
  nextCounter(name: string): number {
    const next = Number(this.getMeta(`counter:${name}`) ?? '0') + 1;
    this.setMeta(`counter:${name}`, String(next));
    return next;
  }

  // accounts

  getAccount(userId: string): AccountRow | undefined {
    const row = this.statements.getAccount.get(userId) as SqlRow | undefined;
    if (!row) return undefined;
    return {
      userId: row.user_id as string,
      nick: row.nick as string,
      faceUrl: row.face_url as string,
      importedAt: row.imported_at as number,
    };
  }

  hasAccount(userId: string): boolean {
    return this.statements.getAccount.get(userId) !== undefined;
  }

  upsertAccount(account: AccountRow): void {
    this.statements.upsertAccount.run(account);
  }

  /** Conversation-group IDs are per user, increasing, never reused. */
  takeContactGroupId(owner: string): number {
    const row = this.statements.takeContactGroupId.get(owner) as { id: number } | undefined;
    if (!row) throw new Error(`account ${owner} does not exist`);
    return row.id;
  }

  // groups

  getGroup(groupId: string): ChatGroupRow | undefined {
    const row = this.statements.getGroup.get(groupId) as SqlRow | undefined;
    return row ? toGroup(row) : undefined;
  }

  insertGroup(group: ChatGroupRow): void {
    this.statements.insertGroup.run(group);
  }

  dismissGroup(groupId: string, at: number): void {
    this.statements.dismissGroup.run(at, groupId);
  }

  setGroupLastMessage(groupId: string, seq: number, time: number): void {
    this.statements.setGroupLastMessage.run(seq, time, groupId);
  }

  /** False when the user was already a member. */
  addGroupMember(member: GroupMemberRow): boolean {
    return this.statements.insertMember.run(member.groupId, member.userId, member.role, member.joinTime).changes > 0;
  }

  isGroupMember(groupId: string, userId: string): boolean {
    return this.statements.isMember.get(groupId, userId) !== undefined;
  }

  groupMembers(groupId: string): GroupMemberRow[] {
    return (this.statements.members.all(groupId) as SqlRow[]).map((row) => ({
      groupId: row.group_id as string,
      userId: row.user_id as string,
      role: row.role as string,
      joinTime: row.join_time as number,
    }));
  }

  groupMemberCount(groupId: string): number {
    return (this.statements.memberCount.get(groupId) as { n: number }).n;
  }

  /** Groups the user belongs to that are not dismissed, in joining order. */
  groupsOfMember(userId: string): ChatGroupRow[] {
    return (this.statements.groupsOfMember.all(userId) as SqlRow[]).map(toGroup);
  }

  // recent contacts (the conversation list)

  /** A message arrived: the conversation exists and its MsgTime never goes backwards. */
  touchRecent(owner: string, conversation: ConversationRef, msgTime: number): void {
    this.statements.touchRecent.run(owner, conversation.type, conversation.peer, msgTime);
  }

  setPinned(owner: string, conversation: ConversationRef, pinned: boolean): void {
    this.statements.setPinned.run(pinned ? 1 : 0, owner, conversation.type, conversation.peer);
  }

  deleteRecent(owner: string, conversation: ConversationRef): boolean {
    return this.statements.deleteRecent.run(owner, conversation.type, conversation.peer).changes > 0;
  }

  /** Newest message first. */
  recentList(owner: string): RecentRow[] {
    return (this.statements.recentList.all(owner) as SqlRow[]).map(toRecent);
  }

  /**
   * One page of the list in recentList's order: the pinned conversations (`pinned` true), the others
   * (false) or all of them (undefined). A page reads only its own rows: get_list pages through a
   * heavy user's 1,500 conversations 100 at a time.
   */
  recentPage(owner: string, pinned: boolean | undefined, offset: number, limit: number): RecentRow[] {
    const rows = (
      pinned === undefined
        ? this.statements.recentPage.all(owner, limit, offset)
        : this.statements.recentPageByPinned.all(owner, pinned ? 1 : 0, limit, offset)
    ) as SqlRow[];
    return rows.map(toRecent);
  }

  /** How many conversations recentPage(owner, pinned, …) pages through. */
  recentCount(owner: string, pinned: boolean | undefined): number {
    const row = (pinned === undefined ? this.statements.recentCount.get(owner) : this.statements.recentCountByPinned.get(owner, pinned ? 1 : 0)) as { n: number };
    return row.n;
  }

  // marks (one row per marked-or-grouped conversation)

  getMark(owner: string, conversation: ConversationRef): MarkRow | undefined {
    const row = this.statements.getMark.get(owner, conversation.type, conversation.peer) as SqlRow | undefined;
    return row ? toMark(row) : undefined;
  }

  markCount(owner: string): number {
    return (this.statements.markCount.get(owner) as { n: number } | undefined)?.n ?? 0;
  }

  /** Inserting appends at the end of the paging order; updating keeps the position. */
  upsertMark(owner: string, mark: MarkRow): void {
    this.statements.upsertMark.run(owner, mark.type, mark.peer, maskToHex(mark.mask), mark.customMark, mark.updatedAt);
  }

  deleteMark(owner: string, conversation: ConversationRef): void {
    this.statements.deleteMark.run(owner, conversation.type, conversation.peer);
  }

  /** In creation order, so index-based paging is stable while nothing is added or removed. */
  markPage(owner: string, offset: number, limit: number): MarkRow[] {
    return (this.statements.markPage.all(owner, limit, offset) as SqlRow[]).map(toMark);
  }

  // conversation groups

  contactGroups(owner: string): ContactGroupRow[] {
    return (this.statements.contactGroups.all(owner) as SqlRow[]).map((row) => ({
      groupId: row.group_id as number,
      name: row.name as string,
    }));
  }

  contactGroupByName(owner: string, name: string): ContactGroupRow | undefined {
    const row = this.statements.contactGroupByName.get(owner, name) as SqlRow | undefined;
    return row ? { groupId: row.group_id as number, name: row.name as string } : undefined;
  }

  insertContactGroup(owner: string, groupId: number, name: string, createdAt: number): void {
    this.statements.insertContactGroup.run(owner, groupId, name, createdAt);
  }

  renameContactGroup(owner: string, groupId: number, name: string): void {
    this.statements.renameContactGroup.run(name, owner, groupId);
  }

  deleteContactGroup(owner: string, groupId: number): void {
    this.statements.deleteContactGroup.run(owner, groupId);
  }

  contactGroupIdsOf(owner: string, conversation: ConversationRef): number[] {
    return (this.statements.contactGroupIdsOf.all(owner, conversation.type, conversation.peer) as SqlRow[]).map(
      (row) => row.group_id as number,
    );
  }

  /** `${type}:${peer}` → the conversation's group IDs, ascending. */
  contactGroupMemberships(owner: string): Map<string, number[]> {
    const memberships = new Map<string, number[]>();
    for (const row of this.statements.contactGroupMemberships.all(owner) as SqlRow[]) {
      const key = `${String(row.conv_type)}:${String(row.peer)}`;
      const ids = memberships.get(key) ?? [];
      ids.push(row.group_id as number);
      memberships.set(key, ids);
    }
    return memberships;
  }

  contactGroupMembers(owner: string, groupId: number): ConversationRef[] {
    return (this.statements.contactGroupMembers.all(owner, groupId) as SqlRow[]).map((row) => ({
      type: conversationType(row.conv_type),
      peer: row.peer as string,
    }));
  }

  addContactGroupMember(owner: string, groupId: number, conversation: ConversationRef): boolean {
    return this.statements.addContactGroupMember.run(owner, groupId, conversation.type, conversation.peer).changes > 0;
  }

  removeContactGroupMember(owner: string, groupId: number, conversation: ConversationRef): boolean {
    return this.statements.removeContactGroupMember.run(owner, groupId, conversation.type, conversation.peer).changes > 0;
  }
}

export function conversationKey(conversation: ConversationRef): string {
  return `${conversation.type}:${conversation.peer}`;
}

export { CONTACT_TYPE_C2C, CONTACT_TYPE_GROUP };
