import { describe, expect, it } from 'vitest';
import { chatUserParamsSchema, chatUserResponseSchema, conversationsResponseSchema } from './chat-users';

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
