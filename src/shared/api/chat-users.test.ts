import { describe, expect, it } from 'vitest';
import {
  chatUserParamsSchema,
  chatUserResponseSchema,
  CONVERSATIONS_SAMPLE_SIZE,
  conversationsResponseSampledSchema,
  conversationsResponseSchema,
  sampleIndexes,
} from './chat-users';

describe('chat users and their conversations', () => {
  it('takes a userId of 1..32 UTF-8 bytes', () => {
    expect(chatUserParamsSchema.parse({ userId: 'user0' })).toEqual({ userId: 'user0' });
    expect(chatUserParamsSchema.safeParse({ userId: 'u'.repeat(32) }).success).toBe(true);
    expect(chatUserParamsSchema.safeParse({ userId: 'u'.repeat(33) }).success).toBe(false);
    expect(chatUserParamsSchema.safeParse({ userId: '민'.repeat(11) }).success).toBe(false);
    expect(chatUserParamsSchema.safeParse({ userId: '' }).success).toBe(false);
    expect(chatUserResponseSchema.parse({ userId: 'user0', imported: true }).imported).toBe(true);
  });

  it('reads a typical response, and a marked conversation outside the recent list', () => {
    const body = {
      userId: 'user0',
      conversations: [
        {
          conversation: { type: 'c2c', id: 'user1' },
          name: 'Minji Kim',
          pinned: false,
          lastMessageAt: '2026-11-20T08:00:00Z',
          inRecentList: true,
          bits: [0, 33],
          customMark: 'VIP',
          groupIds: [1],
          markUpdatedAt: '2026-11-21T09:30:00Z',
        },
        {
          conversation: { type: 'group', id: '@TGS#1N3RSUYG2' },
          name: null,
          pinned: false,
          lastMessageAt: null,
          inRecentList: false,
          bits: [63],
          customMark: '',
          groupIds: [],
          markUpdatedAt: '2026-11-21T09:30:00Z',
        },
      ],
      groups: [{ id: 1, name: 'Customers' }],
    };
    expect(conversationsResponseSchema.parse(body)).toEqual(body);
  });

  it('wants sorted bits', () => {
    const entry = {
      conversation: { type: 'c2c', id: 'user1' },
      name: null,
      pinned: false,
      lastMessageAt: null,
      inRecentList: true,
      bits: [33, 0],
      customMark: '',
      groupIds: [],
      markUpdatedAt: null,
    };
    expect(conversationsResponseSchema.safeParse({ userId: 'u', conversations: [entry], groups: [] }).success).toBe(false);
  });
});

describe('the browser’s cheap check of a long conversation list', () => {
  const row = (index: number) => ({
    conversation: { type: 'c2c', id: `customer.${index}` },
    name: null,
    pinned: false,
    lastMessageAt: '2026-11-20T08:00:00Z',
    inRecentList: true,
    bits: [0, 33],
    customMark: '',
    groupIds: [],
    markUpdatedAt: null,
  });
  const list = (rows: unknown[]) => ({ userId: 'heavy.user', conversations: rows, groups: [] });
  const rows = Array.from({ length: 1500 }, (_, index) => row(index));

  it('accepts what the full schema accepts, rows unchanged', () => {
    expect(conversationsResponseSampledSchema.parse(list(rows))).toEqual(conversationsResponseSchema.parse(list(rows)));
  });

  it('samples evenly, the first and the last row included', () => {
    const indexes = sampleIndexes(1500, CONVERSATIONS_SAMPLE_SIZE);
    expect(indexes).toHaveLength(CONVERSATIONS_SAMPLE_SIZE);
    expect(indexes[0]).toBe(0);
    expect(indexes.at(-1)).toBe(1499);
    expect(sampleIndexes(3, CONVERSATIONS_SAMPLE_SIZE)).toEqual([0, 1, 2]);
  });

  it('refuses a row of the wrong shape anywhere in the list, sampled or not', () => {
    for (const broken of [
      { ...row(777), bits: [33, 0] },
      { ...row(777), bits: [64] },
      { ...row(777), conversation: { type: 'channel', id: 'x' } },
      { ...row(777), customMark: null },
      { ...row(777), pinned: 'yes' },
      'not a row',
    ]) {
      const result = conversationsResponseSampledSchema.safeParse(list(rows.map((original, index) => (index === 777 ? broken : original))));
      expect(result.success, JSON.stringify(broken)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(['conversations', 777]);
    }
  });

  it('checks the sampled rows in full: a date-time that is not one is refused there', () => {
    const result = conversationsResponseSampledSchema.safeParse(list(rows.map((original, index) => (index === 0 ? { ...original, lastMessageAt: 'yesterday' } : original))));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['conversations', 0, 'lastMessageAt']);
  });

  it('refuses a broken envelope', () => {
    expect(conversationsResponseSampledSchema.safeParse({ userId: 'u', conversations: 'many', groups: [] }).success).toBe(false);
    expect(conversationsResponseSampledSchema.safeParse({ conversations: [], groups: [] }).success).toBe(false);
  });
});
