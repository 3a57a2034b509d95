import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitIndexSchema, chatUserIdSchema, conversationSchema, customMarkSchema, editableBitSchema, markStateSchema } from './schemas';
import { utf8ByteLength } from './utf8';

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((issue) => issue.message) ?? [];

describe('mark schemas', () => {
  it('bitIndexSchema takes integers 0..63', () => {
    expect(bitIndexSchema.safeParse(0).success).toBe(true);
    expect(bitIndexSchema.safeParse(63).success).toBe(true);
    for (const bad of [-1, 64, 1.5, '3', null]) expect(bitIndexSchema.safeParse(bad).success).toBe(false);
    expect(messages(bitIndexSchema.safeParse(64))).toEqual(['Bit 64 does not exist; bits are numbered 0 to 63.']);
  });

  it('editableBitSchema refuses reserved bits with a readable sentence', () => {
    for (const bit of [0, 3, 32, 63]) expect(editableBitSchema.safeParse(bit).success).toBe(true);
    expect(messages(editableBitSchema.safeParse(17))).toEqual(['Bit 17 is reserved for Chat and cannot be changed.']);
    expect(messages(editableBitSchema.safeParse(4))).toEqual(['Bit 4 is reserved for Chat and cannot be changed.']);
    expect(editableBitSchema.safeParse(64).success).toBe(false);
  });

  it('customMarkSchema accepts 256 UTF-8 bytes and refuses 257, naming the byte count', () => {
    expect(customMarkSchema.safeParse('a'.repeat(256)).success).toBe(true);
    expect(customMarkSchema.safeParse('한'.repeat(85) + 'a').success).toBe(true);
    expect(messages(customMarkSchema.safeParse('a'.repeat(257)))).toEqual(['The custom mark is 257 bytes; the limit is 256 bytes (UTF-8).']);
    expect(messages(customMarkSchema.safeParse('한'.repeat(100)))).toEqual(['The custom mark is 300 bytes; the limit is 256 bytes (UTF-8).']);
    expect(customMarkSchema.safeParse('').success).toBe(true);
    expect(customMarkSchema.safeParse('a\uD800').success).toBe(false);
  });

  it('conversationSchema checks ids in bytes per type and refuses unknown keys', () => {
    expect(conversationSchema.parse({ type: 'c2c', id: 'user1' })).toEqual({ type: 'c2c', id: 'user1' });
    expect(conversationSchema.safeParse({ type: 'c2c', id: 'a'.repeat(32) }).success).toBe(true);
    expect(messages(conversationSchema.safeParse({ type: 'c2c', id: 'a'.repeat(33) }))).toEqual([
      'The Chat user ID is 33 bytes; the limit is 32 bytes (UTF-8).',
    ]);
    expect(conversationSchema.safeParse({ type: 'c2c', id: '한'.repeat(11) }).success).toBe(false); // 33 bytes
    expect(conversationSchema.safeParse({ type: 'group', id: '@'.repeat(48) }).success).toBe(true);
    expect(conversationSchema.safeParse({ type: 'group', id: '@'.repeat(49) }).success).toBe(false);
    expect(conversationSchema.safeParse({ type: 'group', id: '' }).success).toBe(false);
    expect(conversationSchema.safeParse({ type: 'c2c', id: 'a\nb' }).success).toBe(false);
    expect(conversationSchema.safeParse({ type: 'c2c', id: 'a\u0085' }).success).toBe(false);
    expect(conversationSchema.safeParse({ type: 'c2c', id: 'user1', extra: 1 }).success).toBe(false);
    expect(conversationSchema.safeParse({ type: 'dm', id: 'user1' }).success).toBe(false);
    expect(chatUserIdSchema.safeParse('민지_01').success).toBe(true);
  });

  it('markStateSchema wants sorted unique bits and a valid custom mark', () => {
    expect(markStateSchema.safeParse({ bits: [0, 3, 63], customMark: '' }).success).toBe(true);
    expect(markStateSchema.safeParse({ bits: [3, 0], customMark: '' }).success).toBe(false);
    expect(markStateSchema.safeParse({ bits: [3, 3], customMark: '' }).success).toBe(false);
    expect(markStateSchema.safeParse({ bits: [64], customMark: '' }).success).toBe(false);
    expect(markStateSchema.safeParse({ bits: [], customMark: 'x'.repeat(257) }).success).toBe(false);
  });
});

describe('schema properties', () => {
  it('customMarkSchema agrees with the byte count on both sides of 256', () => {
    const near256 = fc
      .tuple(fc.constantFrom('a', 'é', '한', '😀'), fc.integer({ min: 60, max: 260 }))
      .map(([unit, count]) => unit.repeat(count));
    fc.assert(
      fc.property(fc.oneof(near256, fc.string({ unit: 'grapheme', maxLength: 300 })), (text) => {
        expect(customMarkSchema.safeParse(text).success).toBe(utf8ByteLength(text) <= 256);
      }),
    );
  });
});
