// Admin activity in the audit chain (GET /api/audit?kind=admin, admins only), and the chain check
// over HTTP: a logged head the log no longer reaches, and other requests answered while it runs.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminActivityEntry } from '../../shared/api/admin-activity';
import { runStatement } from '../store/sql';
import { LOWER_HIGHEST_AUDIT_SEQ, unguardAudit } from '../testing/raw-sql';
import { startTestBff, TEST_PASSWORD, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let admin: string;
let viewer: string;
let releaseVerify: (() => void) | null = null;
let pausedVerify: (() => void) | null = null;

beforeAll(async () => {
  bff = await startTestBff({
    auditVerify: {
      // One row per slice; a test may hold the check between two slices.
      budgetMs: 0,
      pause: () => {
        if (!pausedVerify) return new Promise((resolve) => setImmediate(resolve));
        pausedVerify();
        return new Promise((resolve) => (releaseVerify = resolve));
      },
    },
  });
  admin = await bff.signIn('admin');
  viewer = await bff.signIn('viewer');
});
afterAll(() => bff.close());

async function activity(query = ''): Promise<AdminActivityEntry[]> {
  const response = await bff.inject({ method: 'GET', url: `/api/audit?kind=admin&limit=200${query}`, headers: { cookie: admin } });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { entries: AdminActivityEntry[] }).entries;
}

describe('admin activity', () => {
  it('records sign-ins, refused sign-ins, staff changes, ended sessions and label changes, with who, IP and browser', async () => {
    await bff.login('admin', 'wrong password', { remoteAddress: '10.0.0.7' });
    await bff.login('nobody-here', 'a password typed in the wrong box', { remoteAddress: '10.0.0.8' });
    const write = { ...bff.writeHeaders, cookie: admin, 'user-agent': 'Firefox/140 =cmd' };
    expect((await bff.inject({ method: 'POST', url: '/api/staff', headers: write, payload: { username: 'nina', role: 'viewer', password: TEST_PASSWORD } })).statusCode).toBe(201);
    expect((await bff.inject({ method: 'PATCH', url: '/api/staff/nina', headers: write, payload: { role: 'editor' } })).statusCode).toBe(200);
    expect((await bff.inject({ method: 'PATCH', url: '/api/staff/nina', headers: write, payload: { disabled: true, password: `${TEST_PASSWORD}!` } })).statusCode).toBe(200);
    const { cookie: nina } = await bff.login('viewer');
    const sessions = (await bff.inject({ method: 'GET', url: '/api/sessions', headers: { cookie: admin } })).json() as { sessions: { handle: string; current: boolean; username: string }[] };
    const other = sessions.sessions.find((session) => session.username === 'viewer' && !session.current)!;
    expect((await bff.inject({ method: 'DELETE', url: `/api/sessions/${other.handle}`, headers: write })).statusCode).toBe(204);
    expect(nina).not.toBeNull();
    expect((await bff.inject({ method: 'PUT', url: '/api/mark-labels', headers: { ...write, 'if-match': '*' }, payload: { labels: { 32: { name: 'VIP', description: '' } } } })).statusCode).toBe(200);

    const entries = await activity();
    const actions = entries.map((entry) => `${entry.action} ${entry.staff}${entry.target ? ` → ${entry.target}` : ''}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'sign_in admin',
        'sign_in_failed admin',
        'sign_in_failed (unknown account)',
        'staff_created admin → nina',
        'role_changed admin → nina',
        'staff_disabled admin → nina',
        'password_reset admin → nina',
        'session_ended admin → viewer',
        'labels_changed admin → mark-labels',
      ]),
    );
    expect(JSON.stringify(entries)).not.toContain('a password typed in the wrong box');
    expect(entries.find((entry) => entry.action === 'sign_in_failed' && entry.staff === 'admin')).toMatchObject({ ip: '10.0.0.7' });
    expect(entries.find((entry) => entry.action === 'role_changed')).toMatchObject({ ip: '127.0.0.1', userAgent: 'Firefox/140 =cmd', details: { from: 'viewer', to: 'editor' } });

    // Filtered by action and staff; the mark history does not show any of it.
    expect((await activity('&action=role_changed')).map((entry) => entry.target)).toEqual(['nina']);
    expect((await activity('&staff=(unknown account)')).map((entry) => entry.action)).toEqual(['sign_in_failed']);
    const marks = (await bff.inject({ method: 'GET', url: '/api/audit', headers: { cookie: admin } })).json() as { entries: unknown[] };
    expect(marks.entries).toEqual([]);

    const csv = await bff.inject({ method: 'GET', url: '/api/audit/export.csv?kind=admin&action=role_changed', headers: { cookie: admin } });
    expect(csv.headers['content-disposition']).toMatch(/markdesk-admin-activity-/);
    const records = parse(csv.body, { bom: true }) as string[][];
    expect(records[0]).toEqual(['id', 'at', 'staff', 'action', 'target', 'ip', 'user_agent', 'details']);
    expect(records[1]).toEqual([expect.any(String), expect.any(String), 'admin', 'role_changed', 'nina', '127.0.0.1', 'Firefox/140 =cmd', 'from=viewer; to=editor']);
  });

  it('changes nothing and records nothing when one part of a staff change is refused', async () => {
    const write = { ...bff.writeHeaders, cookie: admin };
    expect((await bff.inject({ method: 'POST', url: '/api/staff', headers: write, payload: { username: 'omar', role: 'viewer', password: TEST_PASSWORD } })).statusCode).toBe(201);
    // omar now signs in through the identity provider: a password cannot be set for him.
    await bff.store.write((tx) => tx.updateTable('staff').set({ source: 'sso' }).where('username', '=', 'omar').execute());
    const refused = await bff.inject({ method: 'PATCH', url: '/api/staff/omar', headers: write, payload: { role: 'editor', disabled: true, password: `${TEST_PASSWORD}!` } });
    expect(refused.statusCode, refused.body).toBe(400);
    const staff = (await bff.inject({ method: 'GET', url: '/api/staff', headers: { cookie: admin } })).json() as { staff: { username: string; role: string; disabled: boolean }[] };
    expect(staff.staff.find((member) => member.username === 'omar')).toMatchObject({ role: 'viewer', disabled: false });
    expect((await activity()).filter((entry) => entry.target === 'omar').map((entry) => entry.action)).toEqual(['staff_created']);
  });

  it('is for admins only: a viewer asking for it gets 403, for the list and the export', async () => {
    viewer = await bff.sessionCookie('viewer');
    expect((await bff.inject({ method: 'GET', url: '/api/audit?kind=admin', headers: { cookie: viewer } })).statusCode).toBe(403);
    expect((await bff.inject({ method: 'GET', url: '/api/audit/export.csv?kind=admin', headers: { cookie: viewer } })).statusCode).toBe(403);
    expect((await bff.inject({ method: 'GET', url: '/api/audit?kind=mark', headers: { cookie: viewer } })).statusCode).toBe(200);
    expect((await bff.inject({ method: 'GET', url: '/api/audit?action=sign_in', headers: { cookie: admin } })).statusCode).toBe(400);
  });
});

describe('the chain check over HTTP', () => {
  it('says truncated when the log no longer reaches a head logged before, and records the check', async () => {
    const first = (await bff.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: admin } })).json() as { ok: boolean; head: { seq: number; hash: string } };
    expect(first.ok).toBe(true);
    const { seq, hash } = first.head;
    const reached = await bff.inject({ method: 'GET', url: `/api/audit/verify?expectHead=${seq}:${hash}`, headers: { cookie: admin } });
    expect(reached.json()).toMatchObject({ ok: true, truncated: false });

    await unguardAudit(bff.store);
    await bff.store.write(async (tx) => {
      await tx.deleteFrom('audit').where('seq', '>=', seq).execute();
      await runStatement(tx, LOWER_HIGHEST_AUDIT_SEQ, [seq - 1]);
    });
    const cut = await bff.inject({ method: 'GET', url: `/api/audit/verify?expectHead=${seq}:${hash}`, headers: { cookie: admin } });
    expect(cut.json()).toMatchObject({ ok: false, truncated: true, brokenAt: 'end-of-log' });
    // The check itself is admin activity, with its result.
    expect((await activity('&action=chain_verified'))[0]).toMatchObject({ staff: 'admin', details: { ok: false } });
    expect((await bff.inject({ method: 'GET', url: '/api/audit/verify?expectHead=12:nothex', headers: { cookie: admin } })).statusCode).toBe(400);
  });

  it('answers other requests while a check runs, shares the run, and shows its progress', async () => {
    const paused = new Promise<void>((resolve) => (pausedVerify = resolve));
    const first = bff.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: admin } });
    await paused;
    pausedVerify = null;
    // Held between two slices: the server answers meanwhile.
    expect((await bff.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const progress = (await bff.inject({ method: 'GET', url: '/api/audit/verify/progress', headers: { cookie: admin } })).json() as { running: boolean; checked: number; total: number };
    expect(progress).toMatchObject({ running: true, checked: 1 });
    expect(progress.total).toBeGreaterThan(1);
    const before = (await activity('&action=chain_verified')).length;
    const second = bff.inject({ method: 'GET', url: '/api/audit/verify', headers: { cookie: admin } });
    releaseVerify!();
    const [a, b] = await Promise.all([first, second]);
    expect(b.json()).toEqual(a.json());
    // One run, one entry.
    expect((await activity('&action=chain_verified')).length).toBe(before + 1);
    expect((await bff.inject({ method: 'GET', url: '/api/audit/verify/progress', headers: { cookie: admin } })).json()).toMatchObject({ running: false });
  });
});
