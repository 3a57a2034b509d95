import { describe, expect, it } from 'vitest';
import { loginRequestSchema, ROLES, roleAtLeast, roleSchema, sessionSchema } from './session';

describe('roles', () => {
  it('orders viewer < editor < admin', () => {
    expect(ROLES).toEqual(['viewer', 'editor', 'admin']);
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
    expect(roleAtLeast('viewer', 'editor')).toBe(false);
    expect(roleAtLeast('editor', 'viewer')).toBe(true);
    expect(roleAtLeast('editor', 'admin')).toBe(false);
    expect(roleAtLeast('admin', 'editor')).toBe(true);
    expect(roleSchema.safeParse('owner').success).toBe(false);
  });
});

describe('login and session', () => {
  it('takes exactly a username and a password', () => {
    expect(loginRequestSchema.parse({ username: 'admin', password: 'x' })).toEqual({ username: 'admin', password: 'x' });
    expect(loginRequestSchema.safeParse({ username: 'admin', password: 'x', remember: true }).success).toBe(false);
    expect(loginRequestSchema.safeParse({ username: '', password: 'x' }).success).toBe(false);
    expect(loginRequestSchema.safeParse({ username: 'admin', password: 'p'.repeat(1025) }).success).toBe(false);
  });

  it('refuses a username that cannot be stored exactly, and a password with a broken emoji half', () => {
    expect(loginRequestSchema.safeParse({ username: 'ad\u0000min', password: 'x' }).error?.issues[0]?.path).toEqual(['username']);
    expect(loginRequestSchema.safeParse({ username: 'admin\ud800', password: 'x' }).error?.issues[0]?.path).toEqual(['username']);
    expect(loginRequestSchema.safeParse({ username: 'admin', password: 'x\udfff' }).error?.issues[0]?.path).toEqual(['password']);
    // A password made before control characters were refused still signs in.
    expect(loginRequestSchema.safeParse({ username: 'admin', password: 'tab\there' }).success).toBe(true);
  });

  it('describes the signed-in person', () => {
    expect(sessionSchema.parse({ username: 'support', role: 'editor' })).toEqual({ username: 'support', role: 'editor' });
    expect(sessionSchema.safeParse({ username: 'support', role: 'root' }).success).toBe(false);
  });
});
