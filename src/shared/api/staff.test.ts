import { describe, expect, it } from 'vitest';
import { createStaffRequestSchema, patchStaffRequestSchema, staffListResponseSchema, staffParamsSchema } from './staff';

describe('staff', () => {
  it('creates with a username, a role and a 12..128 character password', () => {
    const ok = { username: 'support', role: 'editor', password: 'correct horse battery' };
    expect(createStaffRequestSchema.parse(ok)).toEqual(ok);
    expect(createStaffRequestSchema.safeParse({ ...ok, password: 'p'.repeat(11) }).success).toBe(false);
    expect(createStaffRequestSchema.safeParse({ ...ok, password: 'p'.repeat(12) }).success).toBe(true);
    expect(createStaffRequestSchema.safeParse({ ...ok, password: 'p'.repeat(128) }).success).toBe(true);
    expect(createStaffRequestSchema.safeParse({ ...ok, password: 'p'.repeat(129) }).success).toBe(false);
    expect(createStaffRequestSchema.safeParse({ ...ok, role: 'root' }).success).toBe(false);
    expect(createStaffRequestSchema.safeParse({ ...ok, email: 'x@example.org' }).success).toBe(false);
  });

  it('takes lower-case usernames of 2..32 characters', () => {
    for (const name of ['pm', 'admin', 'minji.kim', 'ops_2', 'a-b']) expect(staffParamsSchema.safeParse({ name }).success).toBe(true);
    for (const name of ['a', 'Admin', '1st', 'with space', 'x'.repeat(33), '민지']) {
      expect(staffParamsSchema.safeParse({ name }).success).toBe(false);
    }
  });

  it('refuses a username or password that cannot be stored exactly, saying so first', () => {
    const ok = { username: 'support', role: 'editor', password: 'correct horse battery' };
    const first = (request: unknown) => createStaffRequestSchema.safeParse(request).error?.issues[0];
    expect(first({ ...ok, username: 'sup\u0007port' })).toMatchObject({
      path: ['username'],
      message: 'The username contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.',
    });
    expect(first({ ...ok, username: 'sup\ud800' })?.path).toEqual(['username']);
    expect(first({ ...ok, password: 'correct horse \ud83d battery' })).toMatchObject({ path: ['password'], message: expect.stringMatching(/^The password contains a character that cannot be stored/) });
    expect(patchStaffRequestSchema.safeParse({ password: 'correct\thorse battery' }).success).toBe(false);
    expect(createStaffRequestSchema.safeParse({ ...ok, password: 'correct horse 🔑 배터리' }).success).toBe(true);
  });

  it('refuses a password containing the username', () => {
    const result = createStaffRequestSchema.safeParse({ username: 'support', role: 'viewer', password: 'Support-2026-pass' });
    expect(result.error?.issues[0]?.path).toEqual(['password']);
  });

  it('patches at least one of role, disabled, password', () => {
    expect(patchStaffRequestSchema.parse({ role: 'admin' })).toEqual({ role: 'admin' });
    expect(patchStaffRequestSchema.parse({ disabled: true })).toEqual({ disabled: true });
    expect(patchStaffRequestSchema.safeParse({ password: 'short' }).success).toBe(false);
    expect(patchStaffRequestSchema.safeParse({}).success).toBe(false);
    expect(patchStaffRequestSchema.safeParse({ username: 'x' }).success).toBe(false);
  });

  it('lists staff', () => {
    const member = { username: 'pm', role: 'viewer', disabled: false, createdAt: '2026-11-20T08:00:00Z', lastLoginAt: null };
    expect(staffListResponseSchema.parse({ staff: [member] })).toEqual({ staff: [member] });
  });
});
