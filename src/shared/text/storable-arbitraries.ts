// fast-check arbitraries for text that can and cannot be stored, shared by the predicate's tests
// and the storage tests (test code only).
import fc from 'fast-check';

const isControl = (codePoint: number) => codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f);
const isSurrogate = (codePoint: number) => codePoint >= 0xd800 && codePoint <= 0xdfff;

// Characters that have broken text stores before: astral emoji and sequences, Korean, Chinese,
// combining marks, invisible format characters, noncharacters and U+FFFD itself.
const TRICKY = ['😀', '👩‍👩‍👧‍👦', '🇰🇷', '🏳️‍🌈', '👍🏽', '한', '국', '어', '中', '文', '𠜎', 'e\u0301', 'ก้', '\u0301', '\u200d', '\u200b', '\u2028', '\ufeff', '\ufffd', '\ufffe', '\uffff', '\u00a0', 'ß', '"', '\\', ',', ' '];

/** One well-formed code point that is not a control character (any plane), or a short sequence of them. */
export const storablePiece: fc.Arbitrary<string> = fc.oneof(
  fc
    .integer({ min: 0, max: 0x10ffff })
    .filter((codePoint) => !isControl(codePoint) && !isSurrogate(codePoint))
    .map((codePoint) => String.fromCodePoint(codePoint)),
  fc.integer({ min: 0x20, max: 0x7e }).map((codePoint) => String.fromCharCode(codePoint)),
  fc.integer({ min: 0xac00, max: 0xd7a3 }).map((codePoint) => String.fromCharCode(codePoint)),
  fc.constantFrom(...TRICKY),
);

/** Well-formed text without control characters: every string isStorableText must accept. */
export const storableString: fc.Arbitrary<string> = fc.array(storablePiece, { maxLength: 40 }).map((parts) => parts.join(''));

/** Storable text with one unpaired surrogate put between two of its code points. */
export const withLoneSurrogate: fc.Arbitrary<string> = fc
  .tuple(fc.array(storablePiece, { maxLength: 20 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.nat())
  .map(([parts, unit, at]) => {
    // Between whole code points, a high surrogate is never followed by a low one, nor a low one
    // preceded by a high one: the inserted unit stays unpaired.
    const index = at % (parts.length + 1);
    return [...parts.slice(0, index), String.fromCharCode(unit), ...parts.slice(index)].join('');
  });

/** Storable text with one C0, DEL or C1 control character in it. */
export const withControlCharacter: fc.Arbitrary<string> = fc
  .tuple(fc.array(storablePiece, { maxLength: 20 }), fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })), fc.nat())
  .map(([parts, codePoint, at]) => {
    const index = at % (parts.length + 1);
    return [...parts.slice(0, index), String.fromCharCode(codePoint), ...parts.slice(index)].join('');
  });
