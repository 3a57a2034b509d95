import { describe, expect, it } from 'vitest';
import type { GroupState } from '../chat/contact-groups';
import { settledFrom } from './group-reconcile';
import { conversationFailure, groupChangeLanded, membershipLanded, sortAnswers } from './group-policy';

const p = (id: string) => ({ type: 'c2c' as const, id });
const state = (groups: [number, string][], memberships: [string, number[]][] = []): GroupState => ({
  groups: groups.map(([id, name]) => ({ id, name })),
  memberships: new Map(memberships),
  complete: true,
});

describe('a group change whose answer was lost', () => {
  it.each([
    ['create landed', { action: 'create' as const, name: 'VIP' }, state([[1, 'VIP']]), true],
    ['create not there', { action: 'create' as const, name: 'VIP' }, state([[1, 'Other']]), false],
    ['rename landed', { action: 'rename' as const, groupId: 1, newName: 'New' }, state([[1, 'New']]), true],
    ['rename not landed', { action: 'rename' as const, groupId: 1, newName: 'New' }, state([[1, 'Old']]), false],
    ['rename: another group has the name', { action: 'rename' as const, groupId: 1, newName: 'New' }, state([[1, 'Old'], [2, 'New']]), false],
    ['delete landed', { action: 'delete' as const, groupId: 1 }, state([[2, 'Other']]), true],
    ['delete not landed', { action: 'delete' as const, groupId: 1 }, state([[1, 'VIP']]), false],
  ])('%s', (_name, change, after, expected) => {
    expect(groupChangeLanded(change, after)).toBe(expected);
  });

  it('an add or remove is judged per conversation', () => {
    const after = state([[1, 'VIP']], [['c2c:a', [1]], ['c2c:b', []]]);
    expect(membershipLanded('add', 1, p('a'), after)).toBe(true);
    expect(membershipLanded('add', 1, p('b'), after)).toBe(false);
    expect(membershipLanded('remove', 1, p('b'), after)).toBe(true);
    expect(membershipLanded('remove', 1, p('a'), after)).toBe(false);
  });
});

describe("Chat's answers", () => {
  it('splits them, with the group sentence for the codes of the group limits', () => {
    const { changed, failed } = sortAnswers([
      { conversation: p('a'), code: 0 },
      { conversation: p('b'), code: 51008 },
      { conversation: p('c'), code: 50002 },
    ]);
    expect(changed).toEqual([p('a')]);
    expect(failed).toEqual([
      { conversation: p('b'), problem: 'MARK_LIMIT_REACHED', message: expect.stringContaining('1,000'), upstreamCode: 51008 },
      { conversation: p('c'), problem: 'INVALID_CONVERSATION', message: expect.any(String), upstreamCode: 50002 },
    ]);
    expect(conversationFailure(p('d'), 51013).message).toBe('Your Chat edition does not allow conversation groups.');
  });
});

describe('settling an unknown entry at start', () => {
  it('counts only the conversations that were sent and show the change', () => {
    const after = state([[3, 'VIP']], [['c2c:a', [3]], ['c2c:b', [3]]]);
    const record = { action: 'add' as const, group: { id: 3, name: 'VIP' }, conversations: [p('a'), p('b'), p('c')], sending: [p('b'), p('c')] };
    expect(settledFrom(record, after)).toMatchObject({ status: 'applied', changed: [p('b')] });
    expect(settledFrom({ ...record, sending: [p('c')] }, after)).toBeNull();
    expect(settledFrom({ action: 'create', group: { id: null, name: 'VIP' }, conversations: [p('a'), p('c')] }, after)).toMatchObject({ groupId: 3, changed: [p('a')] });
  });
});
