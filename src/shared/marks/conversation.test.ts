import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conversationKey, fromContactItem, parseConversationKey, sameConversation, toContactItem } from './conversation';

describe('conversation identity', () => {
  it('keys conversations by type and id', () => {
    expect(conversationKey({ type: 'c2c', id: 'user1' })).toBe('c2c:user1');
    expect(conversationKey({ type: 'group', id: '@TGS#1N3RSUYG2' })).toBe('group:@TGS#1N3RSUYG2');
  });

  it('parses keys back, ids with colons included', () => {
    expect(parseConversationKey('group:a:b')).toEqual({ type: 'group', id: 'a:b' });
    expect(parseConversationKey('c2c:민지')).toEqual({ type: 'c2c', id: '민지' });
    for (const bad of ['user1', 'dm:user1', 'c2c:', ':x']) expect(() => parseConversationKey(bad)).toThrow(TypeError);
  });

  it('compares conversations by value', () => {
    expect(sameConversation({ type: 'c2c', id: 'a' }, { type: 'c2c', id: 'a' })).toBe(true);
    expect(sameConversation({ type: 'c2c', id: 'a' }, { type: 'group', id: 'a' })).toBe(false);
  });

  it('writes Tencent ContactItems: To_Account for C2C, ToGroupId (capital I) for groups', () => {
    expect(toContactItem({ type: 'c2c', id: 'user1' })).toEqual({ Type: 1, To_Account: 'user1' });
    expect(toContactItem({ type: 'group', id: '@TGS#2ABC' })).toEqual({ Type: 2, ToGroupId: '@TGS#2ABC' });
  });

  it('reads Tencent ContactItems, ignoring extra fields', () => {
    expect(fromContactItem({ Type: 1, To_Account: 'teacher4', StandardMark: '111001' } as never)).toEqual({ type: 'c2c', id: 'teacher4' });
    expect(fromContactItem({ Type: 2, ToGroupId: '@TGS#1N3RSUYG2' })).toEqual({ type: 'group', id: '@TGS#1N3RSUYG2' });
  });

  it.each([
    [{ Type: 3, To_Account: 'a' }],
    [{ Type: 1 }],
    [{ Type: 1, To_Account: '' }],
    [{ Type: 1, ToGroupId: 'g' }],
    [{ Type: 2, To_Account: 'a' }],
    [{ Type: 2, ToGroupid: 'g' }],
    [{ Type: '1', To_Account: 'a' }],
  ])('refuses %j', (item) => {
    expect(() => fromContactItem(item as never)).toThrow(TypeError);
  });
});

describe('conversation round trips', () => {
  it('ContactItem and key round-trip every conversation', () => {
    const conversation = fc.record({ type: fc.constantFrom('c2c' as const, 'group' as const), id: fc.string({ minLength: 1, maxLength: 48 }) });
    fc.assert(
      fc.property(conversation, (c) => {
        expect(fromContactItem(toContactItem(c))).toEqual(c);
        expect(parseConversationKey(conversationKey(c))).toEqual(c);
      }),
    );
  });
});
