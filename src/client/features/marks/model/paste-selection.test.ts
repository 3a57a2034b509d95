import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conversationKey, type Conversation } from '../../../../shared/marks/conversation';
import { matchPastedIds, MAX_PASTED_IDS, readPastedIds } from './paste-selection';

const listed: Conversation[] = [
  { type: 'c2c', id: 'alice' },
  { type: 'c2c', id: 'bob' },
  { type: 'group', id: '@TGS#2SUPPORT' },
  { type: 'group', id: 'bob' },
];

describe('readPastedIds', () => {
  it('splits on lines, commas, semicolons, tabs and spaces, drops quotes and repeats', () => {
    expect(readPastedIds('alice\r\n"bob", c2c:carol;\tgroup:@TGS#1\nalice  ').tokens).toEqual([
      { id: 'alice' },
      { id: 'bob' },
      { type: 'c2c', id: 'carol' },
      { type: 'group', id: '@TGS#1' },
    ]);
  });
  it('reads the type case-insensitively and keeps colons inside the ID', () => {
    expect(readPastedIds('GROUP:a:b C2C:x').tokens).toEqual([
      { type: 'group', id: 'a:b' },
      { type: 'c2c', id: 'x' },
    ]);
  });
  it('stops at the maximum and says so', () => {
    const text = Array.from({ length: MAX_PASTED_IDS + 3 }, (_, index) => `u${index}`).join('\n');
    const { tokens, truncated } = readPastedIds(text);
    expect(tokens).toHaveLength(MAX_PASTED_IDS);
    expect(truncated).toBe(true);
  });
});

describe('matchPastedIds', () => {
  it('selects listed conversations and reports the rest with a likely type', () => {
    const match = matchPastedIds('alice\n@TGS#2SUPPORT\nzoe\n@TGS#9NEW\ngroup:alice', listed);
    expect(match.keys).toEqual(['c2c:alice', 'group:@TGS#2SUPPORT']);
    expect(match.missing).toEqual([
      { type: 'c2c', id: 'zoe' },
      { type: 'group', id: '@TGS#9NEW' },
      { type: 'group', id: 'alice' },
    ]);
    expect(match.read).toBe(5);
  });
  it('reports what Chat would refuse as an ID apart, and never offers to add it', () => {
    const tooLong = `${'a'.repeat(40)}@example.com`;
    const match = matchPastedIds(`zoe ${tooLong} group:bad-group-id-that-is-far-too-long-for-chat-groups-${'x'.repeat(60)}`, listed);
    expect(match.missing).toEqual([{ type: 'c2c', id: 'zoe' }]);
    expect(match.invalid).toEqual([tooLong, `group:bad-group-id-that-is-far-too-long-for-chat-groups-${'x'.repeat(60)}`]);
    expect(match.read).toBe(3);
  });
  it('a bare ID listed as both a user and a group selects both; a typed one only its own', () => {
    expect(matchPastedIds('bob', listed).keys).toEqual(['c2c:bob', 'group:bob']);
    expect(matchPastedIds('group:bob', listed).keys).toEqual(['group:bob']);
  });
  it('every listed conversation pasted as type:id, in any order and with noise, is selected and nothing is missing', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(listed), fc.constantFrom('\n', ', ', ';', '\t', ' '), (picked, separator) => {
        const match = matchPastedIds(picked.map(conversationKey).join(separator), listed);
        expect(new Set(match.keys)).toEqual(new Set(picked.map(conversationKey)));
        expect(match.missing).toEqual([]);
      }),
    );
  });
});
