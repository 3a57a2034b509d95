import { describe, expect, it } from 'vitest';
import { auditEntrySchema, auditListResponseSchema, auditQuerySchema, auditVerifyResponseSchema, revertConflictDetailsSchema } from './audit';

describe('audit query', () => {
  it('defaults limit to 50 and treats empty parameters as absent', () => {
    expect(auditQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(
      auditQuerySchema.parse({ chatUser: '', conversationType: '', conversationId: '', staff: '', status: '', from: '', to: '', limit: '', cursor: '' }),
    ).toEqual({ limit: 50 });
  });

  it('reads every filter from query strings', () => {
    expect(
      auditQuerySchema.parse({
        chatUser: 'user0',
        conversationType: 'group',
        conversationId: '@TGS#2ABC',
        staff: 'support',
        status: 'applied',
        from: '2026-11-20T00:00:00+09:00',
        to: '2026-11-21T00:00:00Z',
        limit: '200',
        cursor: 'abc',
      }),
    ).toEqual({
      chatUser: 'user0',
      conversationType: 'group',
      conversationId: '@TGS#2ABC',
      staff: 'support',
      status: 'applied',
      from: '2026-11-19T15:00:00.000Z',
      to: '2026-11-21T00:00:00.000Z',
      limit: 200,
      cursor: 'abc',
    });
  });

  it('keeps limit within 1..200', () => {
    expect(auditQuerySchema.parse({ limit: '1' }).limit).toBe(1);
    for (const limit of ['0', '201', '1.5', 'ten', '-3']) expect(auditQuerySchema.safeParse({ limit }).success).toBe(false);
  });

  it('refuses unknown parameters, bad statuses, and from after to', () => {
    expect(auditQuerySchema.safeParse({ user: 'x' }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ status: 'deleted' }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ conversationType: 'dm' }).success).toBe(false);
    expect(auditQuerySchema.safeParse({ from: 'yesterday' }).success).toBe(false);
    const reversed = auditQuerySchema.safeParse({ from: '2026-11-21T00:00:00Z', to: '2026-11-20T00:00:00Z' });
    expect(reversed.error?.issues[0]?.path).toEqual(['to']);
  });
});

describe('audit entries', () => {
  const entry = {
    id: '42',
    at: '2026-11-21T09:30:00Z',
    staff: 'support',
    chatUser: 'user0',
    conversation: { type: 'group', id: '@TGS#2ABC' },
    requested: { setBits: [0, 32], clearBits: [3], customMark: '에스컬레이션' },
    before: { bits: [3], customMark: '' },
    after: { bits: [0, 32], customMark: '에스컬레이션' },
    status: 'applied',
    reason: 'ticket 4711',
    requestId: 'req-1',
  };

  it('reads an entry and a page of them', () => {
    expect(auditEntrySchema.parse(entry)).toEqual(entry);
    const failed = { ...entry, id: '43', status: 'failed', after: null, upstreamCode: 51007, revertOf: '41' };
    expect(auditListResponseSchema.parse({ entries: [failed, entry], nextCursor: null }).entries).toHaveLength(2);
    expect(auditEntrySchema.safeParse({ ...entry, at: 1670843110 }).success).toBe(false);
  });

  it('reads verification and revert-conflict details', () => {
    expect(auditVerifyResponseSchema.parse({ ok: true, checked: 12 })).toEqual({ ok: true, checked: 12 });
    expect(auditVerifyResponseSchema.parse({ ok: false, checked: 7, brokenAt: '7' }).brokenAt).toBe('7');
    expect(revertConflictDetailsSchema.parse({ current: { bits: [1], customMark: 'x' } }).current.bits).toEqual([1]);
  });
});
