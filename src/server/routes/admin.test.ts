// Mark labels (round trip, validation), staff accounts (create, list, change) and
// active sessions (list, revoke) through HTTP.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveSession } from '../../shared/api/session';
import type { StaffMember } from '../../shared/api/staff';
import { startTestBff, type TestBff } from '../testing/bff-harness';

let bff: TestBff;
let admin: string;

async function asAdmin(options: InjectOptions): Promise<LightMyRequestResponse> {
  return bff.inject({ ...options, headers: { ...bff.writeHeaders, cookie: admin, ...(options.headers ?? {}) } });
}
const detailsOf = (response: LightMyRequestResponse) => Object.keys((response.json() as { error: { details?: object } }).error.details ?? {});

beforeAll(async () => {
  bff = await startTestBff();
  admin = await bff.signIn('admin');
});
afterAll(() => bff.close());

describe('mark labels', () => {
  // Each save is based on the version read just before it, as the console does.
  const currentEtag = async () => String((await bff.inject({ method: 'GET', url: '/api/mark-labels', headers: { cookie: admin } })).headers.etag);
  const put = async (labels: unknown) =>
    asAdmin({ method: 'PUT', url: '/api/mark-labels', headers: { 'if-match': await currentEtag() }, payload: { labels } as object });

  it('round-trips: PUT replaces all labels, GET (any signed-in role) returns them trimmed, description defaulting to ""', async () => {
    const response = await put({ '32': { name: '  VIP ', description: 'paying customer' }, '63': { name: '에스컬레이션' } });
    expect(response.statusCode, response.body).toBe(200);
    const expected = {
      labels: { '32': { name: 'VIP', description: 'paying customer' }, '63': { name: '에스컬레이션', description: '' } },
      updatedBy: 'admin',
      updatedAt: new Date(bff.clock.now()).toISOString(),
    };
    expect(response.json()).toEqual(expected);
    const read = await bff.inject({ method: 'GET', url: '/api/mark-labels', headers: { cookie: await bff.signIn('viewer') } });
    expect(read.json()).toEqual(expected);

    expect((await put({ '40': { name: 'Refund' } })).json()).toMatchObject({ labels: { '40': { name: 'Refund', description: '' } } });
    expect((await put({})).json()).toMatchObject({ labels: {} });
  });

  it('refuses what would make a label unusable, naming the field, and keeps the old labels', async () => {
    await put({ '32': { name: 'Keep me' } });
    const cases: [unknown, string][] = [
      [{ '31': { name: 'Reserved' } }, 'body.labels.31'],
      [{ '64': { name: 'Too far' } }, 'body.labels.64'],
      [{ '32': { name: 'x'.repeat(41) } }, 'body.labels.32.name'],
      [{ '32': { name: '   ' } }, 'body.labels.32.name'],
      [{ '32': { name: '42' } }, 'body.labels.32.name'],
      [{ '32': { name: 'Favourite' } }, 'body.labels.32.name'],
      [{ '32': { name: 'tab\there' } }, 'body.labels.32.name'],
      [{ '32': { name: 'VIP' }, '33': { name: 'vip' } }, 'body.labels.33.name'],
      [{ '32': { name: 'VIP', description: 'd'.repeat(201) } }, 'body.labels.32.description'],
      [{ '32': { name: 'VIP', colour: 'red' } }, 'body.labels.32.colour'],
    ];
    for (const [labels, field] of cases) {
      const response = await put(labels);
      expect(response.statusCode, JSON.stringify(labels)).toBe(400);
      expect(detailsOf(response), JSON.stringify(labels)).toContain(field);
    }
    const unknownTop = await asAdmin({ method: 'PUT', url: '/api/mark-labels', headers: { 'if-match': '*' }, payload: { labels: {}, replace: true } });
    expect(detailsOf(unknownTop)).toEqual(['body.replace']);
    const read = await bff.inject({ method: 'GET', url: '/api/mark-labels', headers: { cookie: admin } });
    expect(read.json()).toMatchObject({ labels: { '32': { name: 'Keep me', description: '' } } });
  });
});

describe('staff accounts', () => {
  const create = (body: unknown) => asAdmin({ method: 'POST', url: '/api/staff', payload: body as object });
  const patch = (name: string, body: unknown) => asAdmin({ method: 'PATCH', url: `/api/staff/${name}`, payload: body as object });

  it('creates an account (201) that can sign in, and lists everyone by name without any secret', async () => {
    const response = await create({ username: 'minji.kim', role: 'editor', password: 'a very long pass phrase' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toEqual({ username: 'minji.kim', role: 'editor', disabled: false, createdAt: expect.any(String), lastLoginAt: null, source: 'local', breakGlass: false, mfa: false });
    expect((await bff.login('minji.kim', 'a very long pass phrase')).response.statusCode).toBe(200);

    const list = await asAdmin({ method: 'GET', url: '/api/staff' });
    const staff = (list.json() as { staff: StaffMember[] }).staff;
    expect(staff.map((member) => member.username)).toEqual(['admin', 'editor', 'minji.kim', 'viewer']);
    expect(staff.find((member) => member.username === 'minji.kim')?.lastLoginAt).toEqual(expect.any(String));
    expect(list.body).not.toMatch(/argon2|password|hash/i);
  });

  it('refuses a taken name (409), a weak or name-containing password, a bad name or role (400)', async () => {
    const taken = await create({ username: 'editor', role: 'viewer', password: 'a very long pass phrase' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('editor') } });
    const cases: [unknown, string][] = [
      [{ username: 'newbie', role: 'viewer', password: 'short' }, 'body.password'],
      [{ username: 'newbie', role: 'viewer', password: 'newbie newbie newbie' }, 'body.password'],
      [{ username: 'New Bie', role: 'viewer', password: 'a very long pass phrase' }, 'body.username'],
      [{ username: 'newbie', role: 'owner', password: 'a very long pass phrase' }, 'body.role'],
      [{ username: 'newbie', role: 'viewer', password: 'a very long pass phrase', admin: true }, 'body.admin'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(detailsOf(response), JSON.stringify(body)).toContain(field);
    }
  });

  it('changes role, disables and re-enables, resets a password; 404 for nobody, 400 for an empty change', async () => {
    await bff.addStaff('sam', 'viewer');
    expect((await patch('sam', { role: 'editor' })).json()).toMatchObject({ username: 'sam', role: 'editor', disabled: false });
    expect((await patch('sam', { disabled: true })).json()).toMatchObject({ disabled: true });
    expect((await bff.login('sam', 'correct horse battery staple')).response.statusCode).toBe(401);
    expect((await patch('sam', { disabled: false, password: 'another long pass phrase' })).json()).toMatchObject({ disabled: false });
    expect((await bff.login('sam', 'another long pass phrase')).response.statusCode).toBe(200);

    const nobody = await patch('nobody', { role: 'viewer' });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json()).toMatchObject({ error: { code: 'NOT_FOUND', message: expect.stringContaining('nobody') } });
    expect((await patch('sam', {})).statusCode).toBe(400);
  });

  it('never leaves the console without an enabled admin (409)', async () => {
    for (const change of [{ role: 'editor' }, { disabled: true }]) {
      const response = await patch('admin', change);
      expect(response.statusCode, JSON.stringify(change)).toBe(409);
      expect(response.json()).toMatchObject({ error: { code: 'CONFLICT', message: expect.stringContaining('last enabled admin') } });
    }
    expect((await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie: admin } })).json()).toEqual({ username: 'admin', role: 'admin' });
  });
});

describe('active sessions', () => {
  it('lists live sessions with an opaque handle, marks the caller’s, and revokes one by its handle', async () => {
    await bff.addStaff('leaving.soon', 'editor');
    const target = await bff.sessionCookie('leaving.soon');
    const list = await asAdmin({ method: 'GET', url: '/api/sessions' });
    expect(list.statusCode).toBe(200);
    const sessions = (list.json() as { sessions: ActiveSession[] }).sessions;
    expect(sessions.filter((session) => session.current)).toEqual([expect.objectContaining({ username: 'admin', role: 'admin' })]);
    const targetSession = sessions.find((session) => session.username === 'leaving.soon');
    expect(targetSession).toMatchObject({ role: 'editor', current: false, handle: expect.stringMatching(/^[0-9a-f]{16}$/) });
    // The handle is not the cookie's secret.
    expect(target).not.toContain(targetSession!.handle);

    const revoked = await asAdmin({ method: 'DELETE', url: `/api/sessions/${targetSession!.handle}` });
    expect(revoked.statusCode).toBe(204);
    expect((await bff.inject({ method: 'GET', url: '/api/session', headers: { cookie: target } })).statusCode).toBe(401);
    expect((await asAdmin({ method: 'DELETE', url: `/api/sessions/${targetSession!.handle}` })).statusCode).toBe(404);
    expect((await asAdmin({ method: 'DELETE', url: '/api/sessions/not-a-handle' })).statusCode).toBe(404);
  });

  it('logs staff and session changes without passwords', () => {
    const events = bff.logs.map((line) => JSON.parse(line) as { event?: string });
    expect(events.map((line) => line.event)).toEqual(expect.arrayContaining(['user_created', 'user_updated', 'authz_change', 'session_expired', 'sensitive_update']));
  });
});

it('never sends or logs a secret', () => {
  expect(bff.leaks()).toEqual([]);
});
