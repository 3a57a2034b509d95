import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CUSTOM_MARK_MAX_BYTES, isCustomMarkTooLong, truncateUtf8, utf8ByteLength } from './utf8';

const encoder = new TextEncoder();
const fatalDecoder = new TextDecoder('utf-8', { fatal: true });
const graphemes = (text: string) => [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);

// Well-formed text rich in multi-byte characters, combining marks and emoji sequences.
const tricky = fc.constantFrom('a', 'é', 'e\u0301', '한', '国', '😀', '👩‍👩‍👧‍👦', '🇰🇷', '🏳️‍🌈', 'ก้', '\u0000', 'ß', '👍🏽');
const wellFormedText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.array(tricky, { maxLength: 120 }).map((parts) => parts.join('')),
);

describe('utf8ByteLength', () => {
  it('counts bytes, not characters', () => {
    expect(utf8ByteLength('한국어')).toBe(9);
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('👩‍👩‍👧‍👦')).toBe(25);
    expect(utf8ByteLength('')).toBe(0);
  });

  it('counts a lone surrogate as 3 bytes, like TextEncoder’s U+FFFD', () => {
    expect(utf8ByteLength('\uD800')).toBe(3);
    expect(utf8ByteLength('a\uDC00b')).toBe(5);
    expect(utf8ByteLength('\uDC00\uD800')).toBe(6);
  });

  it('equals TextEncoder’s length for any string, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: fc.integer({ min: 0xd7f0, max: 0xe010 }).map((c) => String.fromCharCode(c)) })), (text) => {
        expect(utf8ByteLength(text)).toBe(encoder.encode(text).length);
      }),
    );
  });
});

describe('isCustomMarkTooLong', () => {
  it('accepts 256 bytes and refuses 257', () => {
    expect(CUSTOM_MARK_MAX_BYTES).toBe(256);
    expect(isCustomMarkTooLong('a'.repeat(256))).toBe(false);
    expect(isCustomMarkTooLong('a'.repeat(257))).toBe(true);
    expect(isCustomMarkTooLong('한'.repeat(85) + 'a')).toBe(false); // 256 bytes
    expect(isCustomMarkTooLong('한'.repeat(86))).toBe(true); // 258 bytes
  });
});

describe('truncateUtf8', () => {
  it('keeps text that fits', () => {
    expect(truncateUtf8('한국어', 9)).toBe('한국어');
    expect(truncateUtf8('', 0)).toBe('');
  });

  it('never splits a character or a grapheme cluster', () => {
    expect(truncateUtf8('한국어', 8)).toBe('한국');
    expect(truncateUtf8('a😀', 4)).toBe('a');
    expect(truncateUtf8('e\u0301x', 2)).toBe('');
    expect(truncateUtf8('ab👩‍👩‍👧‍👦', 20)).toBe('ab');
    expect(truncateUtf8('🇰🇷🇯🇵', 7)).toBe('');
    expect(truncateUtf8('🇰🇷🇯🇵', 8)).toBe('🇰🇷');
  });

  it('refuses a negative or fractional limit', () => {
    expect(() => truncateUtf8('abc', -1)).toThrow(RangeError);
    expect(() => truncateUtf8('abc', 1.5)).toThrow(RangeError);
  });

  it('is a prefix within the limit, valid UTF-8, made of whole graphemes, and the longest such', () => {
    fc.assert(
      fc.property(wellFormedText, fc.integer({ min: 0, max: 300 }), (text, maxBytes) => {
        const cut = truncateUtf8(text, maxBytes);
        expect(text.startsWith(cut)).toBe(true);
        const bytes = encoder.encode(cut);
        expect(bytes.length).toBeLessThanOrEqual(maxBytes);
        expect(fatalDecoder.decode(bytes)).toBe(cut);
        const whole = graphemes(text);
        const kept = graphemes(cut);
        expect(kept).toEqual(whole.slice(0, kept.length));
        const next = whole[kept.length];
        if (next !== undefined) expect(bytes.length + encoder.encode(next).length).toBeGreaterThan(maxBytes);
      }),
    );
  });
});
