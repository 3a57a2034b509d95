import { createHash, randomBytes } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import { type AuthMethod, type EndedSessionsTable, type Reader, type Role, type Store } from '../store/database';
import { StaffError, normalizeUsername } from './staff';
import { type Clock, systemClock } from '../clock';
import type { AlsoInTransaction } from '../store/admin-activity';

export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_TIMEOUT_MS = 8 * 60 * 60 * 1000;
/**
 * last_seen_at is written at most this often per session, so a burst of API calls from one page
 * costs one write, not one each. A session may therefore end up to this much before 30 idle minutes.
 */
export const SESSION_TOUCH_INTERVAL_MS = 15 * 1000;
/** Hex characters of the id hash the admin page sees and revokes by (64 bits: unique in practice). */
export const SESSION_HASH_PREFIX_LENGTH = 16;

const SESSION_ID_BYTES = 32;
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/; // 32 bytes, base64url without padding
// Stored as given by the client; capped so a hostile header cannot bloat the table.
const MAX_USER_AGENT_LENGTH = 512;
const MAX_IP_LENGTH = 64;

export type SessionMeta = { ip: string; userAgent: string };
export type SessionOptions = {
  method?: AuthMethod;
  /** SSO: the provider's refresh token, already sealed. */
  refreshToken?: string | null;
  /**
   * When its person last authenticated strongly, for a session that replaces another without a
   * sign-in (a password change): carried over, not now. Default: now (a sign-in).
   */
  authAt?: string;
};
export type SessionPrincipal = {
  username: string;
  role: Role;
  /** How this session signed in. */
  method: AuthMethod;
  /** When its person last authenticated strongly (sign-in or step-up). */
  authAt: string;
  /** SHA-256 hex of the session id. */
  idHash: string;
  source: 'local' | 'sso';
  /** SSO: when the provider last confirmed the groups (null: never since sign-in). */
  idpCheckedAt: string | null;
  /** SSO: sealed refresh token, or null. */
  refreshToken: string | null;
};
export type EndReason = EndedSessionsTable['reason'];
export type SessionView = {
  /** The first characters of the id's SHA-256: enough to name and revoke it, useless to log in. */
  id: string;
  username: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string;
  userAgent: string;
};

/** SHA-256 hex: the only form in which a session id is ever stored. */
export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}

/** The `SessionView.id` of a raw session id, e.g. to mark "this session" on the admin page. */
export function sessionHashPrefix(sessionId: string): string {
  return hashSessionId(sessionId).slice(0, SESSION_HASH_PREFIX_LENGTH);
}

function isExpired(createdAt: string, lastSeenAt: string, now: Date): boolean {
  const nowMs = now.getTime();
  return (
    nowMs - Date.parse(lastSeenAt) >= SESSION_IDLE_TIMEOUT_MS ||
    nowMs - Date.parse(createdAt) >= SESSION_ABSOLUTE_TIMEOUT_MS
  );
}

/** A fresh random session (new at every login) for an enabled account; returns the id for the cookie. */
export async function createSession(
  store: Store,
  username: string,
  meta: SessionMeta,
  clock: Clock = systemClock,
  options: SessionOptions = {},
): Promise<{ sessionId: string }> {
  const name = normalizeUsername(username);
  const sessionId = randomBytes(SESSION_ID_BYTES).toString('base64url');
  const now = new Date(clock.now());
  await store.write(async (tx) => {
    const staff = await tx
      .selectFrom('staff')
      .select('username')
      .where('username', '=', name ?? '')
      .where('disabled', '=', 0)
      .executeTakeFirst();
    if (!staff) throw new StaffError('NOT_FOUND', `There is no enabled staff account "${username}".`);
    await tx
      .insertInto('sessions')
      .values({
        id_hash: hashSessionId(sessionId),
        username: staff.username,
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        ip: meta.ip.slice(0, MAX_IP_LENGTH),
        user_agent: meta.userAgent.slice(0, MAX_USER_AGENT_LENGTH),
        method: options.method ?? 'password',
        auth_at: options.authAt ?? now.toISOString(),
        refresh_token: options.refreshToken ?? null,
        idp_checked_at: options.method === 'sso' ? now.toISOString() : null,
      })
      .execute();
  });
  // Logins are rare; a good moment to drop sessions nobody will come back for.
  await purgeExpiredSessions(store, clock);
  return { sessionId };
}

/**
 * The person behind a session id, with the role read fresh from the staff table, or null when the
 * id is unknown, idle for 30 minutes, older than 8 hours, or its account is disabled. Expired
 * sessions are deleted; live ones have last_seen_at moved forward.
 */
function buildSessionLookup(db: Reader) {
  return db
    .selectFrom('sessions')
    .innerJoin('staff', 'staff.username', 'sessions.username')
    .select([
      'sessions.created_at',
      'sessions.last_seen_at',
      'sessions.method',
      'sessions.auth_at',
      'sessions.refresh_token',
      'sessions.idp_checked_at',
      'staff.username',
      'staff.role',
      'staff.disabled',
      'staff.source',
    ])
    .where('sessions.id_hash', '=', '')
    .compile();
}

type SessionLookupRow = ReturnType<typeof buildSessionLookup> extends CompiledQuery<infer R> ? R : never;

// Every request looks its session up: the query is built and compiled once per database (its read
// handle), and run with each request's id hash as its one parameter.
const sessionLookups = new WeakMap<Reader, ReturnType<typeof buildSessionLookup>>();
function sessionLookupOf(db: Reader) {
  let lookup = sessionLookups.get(db);
  if (!lookup) {
    lookup = buildSessionLookup(db);
    sessionLookups.set(db, lookup);
  }
  return lookup;
}

export async function resolveSession(
  store: Store,
  sessionId: string,
  clock: Clock = systemClock,
): Promise<SessionPrincipal | null> {
  if (!SESSION_ID_PATTERN.test(sessionId)) return null;
  const idHash = hashSessionId(sessionId);
  const { rows } = await store.read.executeQuery<SessionLookupRow>({ ...sessionLookupOf(store.read), parameters: [idHash] });
  const row = rows[0];
  if (!row) return null;
  const now = new Date(clock.now());
  if (row.disabled === 1 || isExpired(row.created_at, row.last_seen_at, now)) {
    await endSessions(store, [idHash], row.disabled === 1 ? 'revoked' : 'expired', clock);
    return null;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) >= SESSION_TOUCH_INTERVAL_MS) {
    const touched = await store.write((tx) =>
      tx.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id_hash', '=', idHash).executeTakeFirst(),
    );
    // Revoked between our read and this write (role change, logout elsewhere): it no longer counts.
    if (touched.numUpdatedRows === 0n) return null;
  }
  return {
    username: row.username,
    role: row.role,
    method: row.method,
    authAt: row.auth_at ?? row.created_at,
    idHash,
    source: row.source,
    idpCheckedAt: row.idp_checked_at,
    refreshToken: row.refresh_token,
  };
}

/**
 * Deletes sessions by id hash and remembers for a while why (so the sign-in page can say "ended by
 * an admin", "expired" or "role removed").
 */
export async function endSessions(store: Store, idHashes: string[], reason: EndReason, clock: Clock = systemClock, also?: AlsoInTransaction): Promise<void> {
  if (idHashes.length === 0) return;
  const endedAt = new Date(clock.now()).toISOString();
  await store.write(async (tx) => {
    await tx.deleteFrom('sessions').where('id_hash', 'in', idHashes).execute();
    await tx
      .insertInto('ended_sessions')
      .values(idHashes.map((id_hash) => ({ id_hash, reason, ended_at: endedAt })))
      .onConflict((oc) => oc.column('id_hash').doUpdateSet({ reason, ended_at: endedAt }))
      .execute();
    await also?.(tx);
  });
}

/** Why the session with this id ended, when it ended recently; null otherwise. */
export async function endReasonOf(store: Store, sessionId: string): Promise<EndReason | null> {
  if (!SESSION_ID_PATTERN.test(sessionId)) return null;
  const row = await store.read.selectFrom('ended_sessions').select('reason').where('id_hash', '=', hashSessionId(sessionId)).executeTakeFirst();
  return row?.reason ?? null;
}

/** A step-up (or SSO re-check) succeeded: the session counts as strongly authenticated from now. */
export async function markStrongAuth(store: Store, idHash: string, clock: Clock = systemClock, method?: AuthMethod): Promise<void> {
  await store.write((tx) =>
    tx
      .updateTable('sessions')
      .set({ auth_at: new Date(clock.now()).toISOString(), ...(method ? { method } : {}) })
      .where('id_hash', '=', idHash)
      .execute(),
  );
}

/** Live sessions (of one person, or everyone's), most recently active first. */
async function liveSessionRows(store: Store, clock: Clock, username?: string) {
  const now = clock.now();
  let query = store.read
    .selectFrom('sessions')
    .selectAll()
    .where('last_seen_at', '>', new Date(now - SESSION_IDLE_TIMEOUT_MS).toISOString())
    .where('created_at', '>', new Date(now - SESSION_ABSOLUTE_TIMEOUT_MS).toISOString());
  if (username !== undefined) query = query.where('username', '=', username);
  return query.orderBy('last_seen_at', 'desc').orderBy('id_hash').execute();
}

type SessionRow = Awaited<ReturnType<typeof liveSessionRows>>[number];

/** The one mapping of a session row to what staff see of it. */
function sessionView(row: SessionRow): SessionView {
  return {
    id: row.id_hash.slice(0, SESSION_HASH_PREFIX_LENGTH),
    username: row.username,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** A person's own live sessions, most recently active first. */
export async function listSessionsOf(store: Store, username: string, clock: Clock = systemClock): Promise<(SessionView & { method: AuthMethod; idHash: string })[]> {
  const rows = await liveSessionRows(store, clock, username);
  return rows.map((row) => ({ ...sessionView(row), idHash: row.id_hash, method: row.method }));
}

/** Logout. True when there was such a session. */
export async function deleteSession(store: Store, sessionId: string): Promise<boolean> {
  if (!SESSION_ID_PATTERN.test(sessionId)) return false;
  const result = await store.write((tx) => tx.deleteFrom('sessions').where('id_hash', '=', hashSessionId(sessionId)).executeTakeFirst());
  return result.numDeletedRows > 0n;
}

/** Ends every session of one person; returns how many there were. */
export async function deleteSessionsOf(store: Store, username: string): Promise<number> {
  const name = normalizeUsername(username);
  if (name === null) return 0;
  const result = await store.write((tx) => tx.deleteFrom('sessions').where('username', '=', name).executeTakeFirst());
  return Number(result.numDeletedRows);
}

/** Live sessions, most recently active first, for the admin page. */
export async function listSessions(store: Store, clock: Clock = systemClock): Promise<SessionView[]> {
  return (await liveSessionRows(store, clock)).map(sessionView);
}

/**
 * Revokes the one session whose id hash starts with `prefix` (a `SessionView.id`). False when the
 * prefix is malformed, shorter than SESSION_HASH_PREFIX_LENGTH, or does not name exactly one session.
 */
export async function revokeSessionByHashPrefix(store: Store, prefix: string, also?: AlsoInTransaction): Promise<boolean> {
  if (!/^[0-9a-f]+$/.test(prefix) || prefix.length < SESSION_HASH_PREFIX_LENGTH || prefix.length > 64) return false;
  return store.write(async (tx) => {
    const matches = await tx
      .selectFrom('sessions')
      .select('id_hash')
      .where('id_hash', '>=', prefix)
      .where('id_hash', '<', `${prefix}g`) // 'g' sorts after every hex digit: a prefix range scan
      .limit(2)
      .execute();
    if (matches.length !== 1 || !matches[0]) return false;
    await tx.deleteFrom('sessions').where('id_hash', '=', matches[0].id_hash).execute();
    await tx
      .insertInto('ended_sessions')
      .values({ id_hash: matches[0].id_hash, reason: 'revoked', ended_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('id_hash').doUpdateSet({ reason: 'revoked' }))
      .execute();
    await also?.(tx);
    return true;
  });
}

/** Deletes sessions past their idle or absolute limit; returns how many. */
export async function purgeExpiredSessions(store: Store, clock: Clock = systemClock): Promise<number> {
  const now = clock.now();
  return store.write(async (tx) => {
    const result = await tx
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('last_seen_at', '<=', new Date(now - SESSION_IDLE_TIMEOUT_MS).toISOString()),
          eb('created_at', '<=', new Date(now - SESSION_ABSOLUTE_TIMEOUT_MS).toISOString()),
        ]),
      )
      .executeTakeFirst();
    await tx.deleteFrom('ended_sessions').where('ended_at', '<=', new Date(now - SESSION_ABSOLUTE_TIMEOUT_MS).toISOString()).execute();
    return Number(result.numDeletedRows);
  });
}
