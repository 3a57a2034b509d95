import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { hasControlCharacter, hasLoneSurrogate, isStorableText, storableText, unstorableTextMessage } from './storable';
import { storableString, withControlCharacter, withLoneSurrogate } from './storable-arbitraries';

describe('isStorableText', () => {
  it('accepts any string of well-formed, non-control code points (astral, Korean, Chinese, combining marks, U+FFFD)', () => {
    fc.assert(
      fc.property(storableString, (text) => {
        expect(isStorableText(text)).toBe(true);
        expect(hasLoneSurrogate(text)).toBe(false);
        expect(hasControlCharacter(text)).toBe(false);
      }),
    );
  });

  it('refuses any string with a lone surrogate', () => {
    fc.assert(
      fc.property(withLoneSurrogate, (text) => {
        expect(isStorableText(text)).toBe(false);
        expect(hasLoneSurrogate(text)).toBe(true);
      }),
    );
  });

  it('refuses any string with a C0, DEL or C1 control character', () => {
    fc.assert(
      fc.property(withControlCharacter, (text) => {
        expect(isStorableText(text)).toBe(false);
        expect(hasControlCharacter(text)).toBe(true);
      }),
    );
  });

  it('accepts a single code point exactly when it is neither a surrogate nor a control character', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x10ffff }), (codePoint) => {
        const control = codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
        const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
        const text = surrogate ? String.fromCharCode(codePoint) : String.fromCodePoint(codePoint);
        expect(isStorableText(text)).toBe(!control && !surrogate);
      }),
    );
  });

  it('never accepts what UTF-8 would change', () => {
    const encoder = new TextEncoder();
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    fc.assert(
      fc.property(fc.oneof(storableString, withLoneSurrogate), (text) => {
        const roundTrips = decoder.decode(encoder.encode(text)) === text;
        expect(roundTrips).toBe(!hasLoneSurrogate(text));
      }),
    );
  });

  it('knows the edges of each range', () => {
    for (const char of ['\u0000', '\u0007', '\t', '\n', '\r', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f']) {
      expect(isStorableText(`a${char}b`), JSON.stringify(char)).toBe(false);
    }
    for (const char of ['\u0020', '~', '\u00a0', 'é', '\u200b', '\u2028', '\ufeff', '\ufffd', '\uffff', '😀', '👩‍👩‍👧‍👦', '🇰🇷', 'e\u0301', '한', '国']) {
      expect(isStorableText(`a${char}b`), JSON.stringify(char)).toBe(true);
    }
    for (const text of ['\ud800', '\udfff', 'a\ud83d', '\ude00b', '\ude00\ud83d', 'ticket \ud800 42']) expect(isStorableText(text)).toBe(false);
    expect(isStorableText('')).toBe(true);
  });
});

describe('storableText', () => {
  it('refuses with one sentence naming the field, before any later check', () => {
    const reason = storableText('The reason').check(z.maxLength(5));
    expect(reason.safeParse('ticket \ud800 42').error?.issues.map((issue) => issue.message)).toEqual([
      'The reason contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.',
    ]);
    expect(reason.safeParse('a\u0007').error?.issues.map((issue) => issue.message)).toEqual([unstorableTextMessage('The reason')]);
    expect(reason.safeParse('한국어').data).toBe('한국어');
  });

  it('with allowControlCharacters refuses only a broken emoji half', () => {
    const expected = storableText('The expected custom mark', { allowControlCharacters: true });
    expect(expected.safeParse('bell\u0007').success).toBe(true);
    expect(expected.safeParse('a\ud800').error?.issues[0]?.message).toBe(
      'The expected custom mark contains a broken emoji half (an unpaired surrogate) that cannot be stored. Remove it.',
    );
  });
});
