import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { changeProblems } from '../marks/change';
import { markChangeOfItem, markRequestSchema, markResponseSchema } from './marks';

// A problem without a sentence of its own is worded in zod's English, as on the server, which sets
// it up (src/server/app.ts); zod/mini alone would say "Invalid input".
z.config(en());

const group = { type: 'group', id: '@TGS#2ABC' } as const;
const item = (fields: Record<string, unknown>, index = 0) => ({ conversation: { type: 'c2c', id: `user${index}` }, ...fields });

function issues(body: unknown) {
  const result = markRequestSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('mark request', () => {
  it('accepts a typical request', () => {
    const body = {
      items: [{ conversation: group, setBits: [0, 32], clearBits: [3], customMark: '에스컬레이션', expectedCustomMark: '' }],
      reason: 'ticket 4711',
    };
    expect(markRequestSchema.parse(body)).toEqual(body);
  });

  it('lets setBits, clearBits and customMark each be omitted', () => {
    expect(issues({ items: [item({ setBits: [63] })] })).toEqual([]);
    expect(issues({ items: [item({ clearBits: [0] })] })).toEqual([]);
    expect(issues({ items: [item({ customMark: '' })] })).toEqual([]);
  });

  it('accepts a custom mark of exactly 256 UTF-8 bytes and refuses 257', () => {
    expect(issues({ items: [item({ customMark: '한'.repeat(85) + 'a' })] })).toEqual([]);
    expect(issues({ items: [item({ customMark: 'a'.repeat(256) })] })).toEqual([]);
    expect(issues({ items: [item({ customMark: '한'.repeat(85) + 'ab' })] })).toEqual([
      { path: 'items.0.customMark', message: 'The custom mark is 257 bytes; the limit is 256 bytes (UTF-8).' },
    ]);
  });

  it('refuses reserved bits and bits outside 0..63, pointing at the entry', () => {
    expect(issues({ items: [item({ setBits: [0, 17] })] })).toEqual([
      { path: 'items.0.setBits.1', message: 'Bit 17 is reserved for Chat and cannot be changed.' },
    ]);
    expect(issues({ items: [item({ clearBits: [4] })] })).toEqual([
      { path: 'items.0.clearBits.0', message: 'Bit 4 is reserved for Chat and cannot be changed.' },
    ]);
    expect(issues({ items: [item({ setBits: [64] })] })).toEqual([
      { path: 'items.0.setBits.0', message: 'Bit 64 does not exist; bits are numbered 0 to 63.' },
    ]);
    expect(issues({ items: [item({ setBits: [-1] })] })[0]?.message).toMatch(/does not exist/);
  });

  it('refuses non-integer bits with a type error', () => {
    expect(issues({ items: [item({ setBits: [1.5] })] })[0]?.path).toBe('items.0.setBits.0');
    expect(issues({ items: [item({ setBits: ['3'] })] })[0]?.path).toBe('items.0.setBits.0');
    expect(issues({ items: [item({ setBits: 3 })] })[0]?.path).toBe('items.0.setBits');
  });

  it('refuses a bit that is both set and cleared', () => {
    expect(issues({ items: [item({ setBits: [0, 33], clearBits: [3, 33] })] })).toEqual([
      { path: 'items.0.clearBits.1', message: 'Bit 33 cannot be both set and cleared in one change.' },
    ]);
  });

  it('refuses unknown keys at every level', () => {
    expect(issues({ items: [item({ setBits: [0] })], extra: true })[0]?.message).toMatch(/Unrecognized key/);
    expect(issues({ items: [item({ setBits: [0], SetMark: [0] })] })[0]?.path).toBe('items.0');
    expect(issues({ items: [{ conversation: { type: 'c2c', id: 'u', name: 'x' }, setBits: [0] }] })[0]?.path).toBe('items.0.conversation');
  });

  it('takes 1 to 1,000 items', () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => item({ setBits: [0] }, index));
    expect(issues({ items: many(1000) })).toEqual([]);
    expect(issues({ items: many(1001) })).toEqual([
      { path: 'items', message: 'Send at most 1,000 items in one request; got 1,001. Use a bulk job for more.' },
    ]);
    expect(issues({ items: [] })).toEqual([{ path: 'items', message: 'Send at least one item.' }]);
    expect(issues({})[0]?.path).toBe('items');
  });

  it('refuses an item that changes nothing', () => {
    expect(issues({ items: [item({})] })).toEqual([{ path: 'items.0', message: expect.stringMatching(/nothing to save/) }]);
    expect(issues({ items: [item({ setBits: [], clearBits: [], expectedCustomMark: 'x' })] })).toHaveLength(1);
  });

  it('refuses the same conversation twice', () => {
    expect(issues({ items: [item({ setBits: [0] }), item({ clearBits: [1] })] })).toEqual([
      { path: 'items.1.conversation', message: 'This conversation is already item 1; put all its changes in one item.' },
    ]);
    expect(issues({ items: [item({ setBits: [0] }), { conversation: { type: 'group', id: 'user0' }, setBits: [0] }] })).toEqual([]);
  });

  it('checks conversation ids in bytes', () => {
    expect(issues({ items: [{ conversation: { type: 'c2c', id: 'a'.repeat(33) }, setBits: [0] }] })[0]?.path).toBe('items.0.conversation.id');
    expect(issues({ items: [{ conversation: { type: 'group', id: 'g'.repeat(48) }, setBits: [0] }] })).toEqual([]);
  });

  it('limits the reason to 500 characters', () => {
    expect(issues({ items: [item({ setBits: [0] })], reason: 'r'.repeat(500) })).toEqual([]);
    expect(issues({ items: [item({ setBits: [0] })], reason: 'r'.repeat(501) })).toEqual([
      { path: 'reason', message: 'The reason is 501 characters; the limit is 500.' },
    ]);
  });

  it('refuses text that cannot be encoded as UTF-8', () => {
    expect(issues({ items: [item({ customMark: 'a\uD800' })] })[0]?.path).toBe('items.0.customMark');
  });

  it('refuses a reason or custom mark that cannot be stored exactly, naming the field', () => {
    const unstorable = (subject: string) =>
      `${subject} contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.`;
    expect(issues({ items: [item({ setBits: [0] })], reason: 'ticket \ud800 42' })).toEqual([{ path: 'reason', message: unstorable('The reason') }]);
    expect(issues({ items: [item({ setBits: [0] })], reason: 'line\nbreak' })).toEqual([{ path: 'reason', message: unstorable('The reason') }]);
    expect(issues({ items: [item({ customMark: 'bell\u0007' })] })).toEqual([{ path: 'items.0.customMark', message: unstorable('The custom mark') }]);
    expect(issues({ items: [item({ customMark: 'C1\u0085' })] })[0]?.path).toBe('items.0.customMark');
    expect(issues({ items: [item({ setBits: [0] })], reason: '티켓 😀 e\u0301 中文 \ufffd' })).toEqual([]);
  });

  it('compares expectedCustomMark with what Chat holds: control characters allowed, a broken emoji half not', () => {
    expect(issues({ items: [item({ customMark: 'new', expectedCustomMark: 'old\u0007' })] })).toEqual([]);
    expect(issues({ items: [item({ customMark: 'new', expectedCustomMark: 'old\udc00' })] })).toEqual([
      {
        path: 'items.0.expectedCustomMark',
        message: 'The expected custom mark contains a broken emoji half (an unpaired surrogate) that cannot be stored. Remove it.',
      },
    ]);
  });

  it('reports every problem of every item at once', () => {
    const found = issues({ items: [item({ setBits: [17] }, 0), item({}, 1), item({ customMark: 'x'.repeat(300) }, 2)] });
    expect(found.map((issue) => issue.path)).toEqual(['items.0.setBits.0', 'items.1', 'items.2.customMark']);
  });

  it('turns an item into the domain change', () => {
    expect(markChangeOfItem({ setBits: [1] })).toEqual({ setBits: [1], clearBits: [] });
    expect(markChangeOfItem({ customMark: '' })).toEqual({ setBits: [], clearBits: [], customMark: '' });
  });
});

describe('mark response', () => {
  it('reads every status', () => {
    const state = { bits: [3], customMark: '' };
    const body = {
      results: [
        { conversation: group, status: 'applied', before: state, after: { bits: [0, 32], customMark: '에스컬레이션' }, auditId: 'a1' },
        { conversation: group, status: 'unchanged', before: state, after: state, auditId: 'a2' },
        { conversation: group, status: 'conflict', before: state, after: state, auditId: 'a3' },
        {
          conversation: group,
          status: 'failed',
          before: state,
          after: null,
          auditId: 'a4',
          code: 'UPSTREAM_ERROR',
          message: 'The group was dismissed or does not exist',
          upstreamCode: 51007,
        },
      ],
    };
    expect(markResponseSchema.parse(body)).toEqual(body);
  });

  it('insists on the failure fields of a failed item', () => {
    const failed = { conversation: group, status: 'failed', before: null, after: null, auditId: 'a' };
    expect(markResponseSchema.safeParse({ results: [failed] }).success).toBe(false);
    expect(markResponseSchema.safeParse({ results: [{ ...failed, status: 'done', code: 'X', message: 'm' }] }).success).toBe(false);
  });
});

describe('one rule: the API refuses exactly what changeProblems refuses', () => {
  it('for random items', () => {
    const bits = fc.array(fc.integer({ min: -2, max: 66 }), { maxLength: 6 });
    const itemArb = fc.record(
      { setBits: bits, clearBits: bits, customMark: fc.oneof(fc.constant(''), fc.constantFrom('a', '한').chain((unit) => fc.integer({ min: 80, max: 260 }).map((n) => unit.repeat(n)))) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(itemArb, (fields) => {
        const accepted = markRequestSchema.safeParse({ items: [item(fields)] }).success;
        expect(accepted).toBe(changeProblems(markChangeOfItem(fields)).length === 0);
      }),
    );
  });
});
