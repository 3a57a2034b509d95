import { describe, expect, it } from 'vitest';
import { parseIfMatch } from './preconditions';

describe('parseIfMatch', () => {
  it('tells an absent or empty header from "*" and from a list of tags', () => {
    expect(parseIfMatch(undefined)).toEqual({ kind: 'absent' });
    expect(parseIfMatch('  ')).toEqual({ kind: 'absent' });
    expect(parseIfMatch('*')).toEqual({ kind: 'any' });
    expect(parseIfMatch('"v3-abc"')).toEqual({ kind: 'tags', tags: ['"v3-abc"'] });
    expect(parseIfMatch('"a", "b" ,"c"')).toEqual({ kind: 'tags', tags: ['"a"', '"b"', '"c"'] });
    expect(parseIfMatch(['"a"', '"b"'])).toEqual({ kind: 'tags', tags: ['"a"', '"b"'] });
  });

  it('drops weak tags and what is not a tag, since only a strong match counts', () => {
    expect(parseIfMatch('W/"v3-abc"')).toEqual({ kind: 'tags', tags: [] });
    expect(parseIfMatch('v3-abc')).toEqual({ kind: 'tags', tags: [] });
    expect(parseIfMatch('W/"a", "b"')).toEqual({ kind: 'tags', tags: ['"b"'] });
  });
});
