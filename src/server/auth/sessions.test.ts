import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from '../store/database';
import { createFakeClock, type FakeClock } from '../testing/fake-clock';
import {
  createSession,
  deleteSession,
  deleteSessionsOf,
  hashSessionId,
  listSessions,
  resolveSession,
  revokeSessionByHashPrefix,
  SESSION_ABSOLUTE_TIMEOUT_MS,
  SESSION_HASH_PREFIX_LENGTH,
  SESSION_IDLE_TIMEOUT_MS,
  SESSION_TOUCH_INTERVAL_MS,
  sessionHashPrefix,
} from './sessions';
import { createStaff } from './staff';
import { openTestStore } from '../testing/test-store';

const MINUTE = 60_000;
const meta = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' };
let store: Store;
let clock: FakeClock;

// One store with two hashed accounts for the whole file; each test starts with no sessions.
beforeAll(async () => {
  store = await openTestStore();
  await createStaff(store, { username: 'rita', role: 'editor', password: 'correct horse battery' });
  await createStaff(store, { username: 'sam', role: 'viewer', password: 'correct horse battery' });
});
afterAll(async () => {
  await store.close();
});
beforeEach(async () => {
  clock = createFakeClock();
  await store.write((tx) => tx.deleteFrom('sessions').execute());
  await store.write((tx) => tx.updateTable('staff').set({ role: 'editor', disabled: 0 }).where('username', '=', 'rita').execute());
});

describe('session timeouts', () => {
  it('exports 30 minutes idle and 8 hours absolute', () => {
    expect(SESSION_IDLE_TIMEOUT_MS).toBe(30 * MINUTE);
    expect(SESSION_ABSOLUTE_TIMEOUT_MS).toBe(8 * 60 * MINUTE);
  });

  it('ends a session after 30 idle minutes and deletes it', async () => {
    const { sessionId } = await createSession(store, 'rita', meta, clock);
    clock.advance(30 * MINUTE - 1);
    expect(await resolveSession(store, sessionId, clock)).toMatchObject({ username: 'rita', role: 'editor', method: 'password' });
    clock.advance(30 * MINUTE - 1); // idle since the previous request
    expect(await resolveSession(store, sessionId, clock)).not.toBeNull();
    clock.advance(30 * MINUTE);
    expect(await resolveSession(store, sessionId, clock)).toBeNull();
    expect(await store.read.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });

  it('ends an active session 8 hours after login', async () => {
    const { sessionId } = await createSession(store, 'rita', meta, clock);
    for (let elapsed = 0; elapsed < 8 * 60 * MINUTE - 20 * MINUTE; elapsed += 20 * MINUTE) {
      clock.advance(20 * MINUTE);
      expect(await resolveSession(store, sessionId, clock)).not.toBeNull();
    }
    clock.advance(20 * MINUTE); // exactly 8 h after login, last request 20 min ago
    expect(await resolveSession(store, sessionId, clock)).toBeNull();
  });

  it('moves last_seen_at forward at most every touch interval', async () => {
    const { sessionId } = await createSession(store, 'rita', meta, clock);
    const lastSeen = async () => (await store.read.selectFrom('sessions').select('last_seen_at').executeTakeFirstOrThrow()).last_seen_at;
    const loginTime = new Date(clock.now()).toISOString();
    clock.advance(SESSION_TOUCH_INTERVAL_MS - 1);
    await resolveSession(store, sessionId, clock);
    expect(await lastSeen()).toBe(loginTime);
    clock.advance(1);
    await resolveSession(store, sessionId, clock);
    expect(await lastSeen()).toBe(new Date(clock.now()).toISOString());
  });
});

describe('sessions', () => {
  it('reads the role fresh on every request, and a disabled account has no session', async () => {
    const { sessionId } = await createSession(store, 'rita', meta, clock);
    await store.write((tx) => tx.updateTable('staff').set({ role: 'admin' }).where('username', '=', 'rita').execute());
    expect(await resolveSession(store, sessionId, clock)).toMatchObject({ username: 'rita', role: 'admin' });
    await store.write((tx) => tx.updateTable('staff').set({ disabled: 1 }).where('username', '=', 'rita').execute());
    expect(await resolveSession(store, sessionId, clock)).toBeNull();
  });

  it('gives a new random id at every login', async () => {
    const a = await createSession(store, 'rita', meta, clock);
    const b = await createSession(store, 'rita', meta, clock);
    expect(a.sessionId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b.sessionId).not.toBe(a.sessionId);
  });

  it('answers null for ids that are unknown or malformed', async () => {
    await createSession(store, 'rita', meta, clock);
    expect(await resolveSession(store, 'A'.repeat(43), clock)).toBeNull();
    expect(await resolveSession(store, '', clock)).toBeNull();
    expect(await resolveSession(store, "' OR 1=1 --", clock)).toBeNull();
  });

  it('logs out one session, or all of one person', async () => {
    const one = await createSession(store, 'rita', meta, clock);
    const two = await createSession(store, 'rita', meta, clock);
    const sam = await createSession(store, 'sam', meta, clock);
    expect(await deleteSession(store, one.sessionId)).toBe(true);
    expect(await deleteSession(store, one.sessionId)).toBe(false);
    expect(await resolveSession(store, one.sessionId, clock)).toBeNull();
    expect(await resolveSession(store, two.sessionId, clock)).not.toBeNull();
    expect(await deleteSessionsOf(store, 'RITA')).toBe(1);
    expect(await resolveSession(store, two.sessionId, clock)).toBeNull();
    expect(await resolveSession(store, sam.sessionId, clock)).not.toBeNull();
  });

  it('lists live sessions by hash prefix only, and revokes one by that prefix', async () => {
    const rita = await createSession(store, 'rita', meta, clock);
    clock.advance(MINUTE);
    const sam = await createSession(store, 'sam', { ip: '198.51.100.1', userAgent: 'curl' }, clock);
    const expired = await createSession(store, 'sam', meta, clock);
    await store.write((tx) => tx.updateTable('sessions').set({ last_seen_at: '2000-01-01T00:00:00.000Z' }).where('id_hash', '=', hashSessionId(expired.sessionId)).execute());

    const listed = await listSessions(store, clock);
    expect(listed).toEqual([
      { id: sessionHashPrefix(sam.sessionId), username: 'sam', createdAt: new Date(clock.now()).toISOString(), lastSeenAt: new Date(clock.now()).toISOString(), ip: '198.51.100.1', userAgent: 'curl' },
      expect.objectContaining({ id: sessionHashPrefix(rita.sessionId), username: 'rita' }),
    ]);
    expect(listed[0]!.id).toHaveLength(SESSION_HASH_PREFIX_LENGTH);
    expect(JSON.stringify(listed)).not.toContain(rita.sessionId);

    expect(await revokeSessionByHashPrefix(store, 'abc')).toBe(false); // too short to name one safely
    expect(await revokeSessionByHashPrefix(store, listed[1]!.id)).toBe(true);
    expect(await resolveSession(store, rita.sessionId, clock)).toBeNull();
    expect(await resolveSession(store, sam.sessionId, clock)).not.toBeNull();
  });
});

describe('session ids at rest', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'markdesk-sessions-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores only the SHA-256 of the id: the raw id is in no table and no byte of the files', async () => {
    const fileStore = await openDatabase({ file: join(dir, 'markdesk.sqlite') });
    await createStaff(fileStore, { username: 'rita', role: 'editor', password: 'correct horse battery' });
    const { sessionId } = await createSession(fileStore, 'rita', meta, clock);
    expect(await resolveSession(fileStore, sessionId, clock)).not.toBeNull();

    const rows = await fileStore.read.selectFrom('sessions').selectAll().execute();
    expect(rows.map((r) => r.id_hash)).toEqual([hashSessionId(sessionId)]);
    expect(JSON.stringify(rows)).not.toContain(sessionId);
    const bytes = readdirSync(dir).map((name) => readFileSync(join(dir, name)).toString('latin1')); // db + -wal
    expect(bytes.length).toBeGreaterThan(0);
    for (const content of bytes) expect(content).not.toContain(sessionId);
    expect(bytes.some((content) => content.includes(hashSessionId(sessionId)))).toBe(true);
    await fileStore.close();
  });
});
