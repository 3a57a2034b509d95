// Custom marks are limited in UTF-8 bytes, not characters (한국어 is 3 characters, 9 bytes). The
// counter in the editor and every validator share utf8ByteLength so they cannot disagree.

export const CUSTOM_MARK_MAX_BYTES = 256;

/**
 * The UTF-8 length of `text`, counted from its UTF-16 code units (no encoder allocation). A lone
 * surrogate counts 3 bytes, as TextEncoder replaces it with U+FFFD.
 */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

export function isCustomMarkTooLong(text: string): boolean {
  return utf8ByteLength(text) > CUSTOM_MARK_MAX_BYTES;
}

let graphemeSegmenter: Intl.Segmenter | undefined;

/**
 * The longest prefix of `text` within `maxBytes` UTF-8 bytes that ends on a grapheme-cluster
 * boundary, so a flag, a ZWJ family emoji or a letter with its combining marks is kept or dropped whole.
 */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (!Number.isInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(`maxBytes must be a non-negative integer; got ${String(maxBytes)}.`);
  }
  if (utf8ByteLength(text) <= maxBytes) return text;
  graphemeSegmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let end = 0;
  let bytes = 0;
  for (const { segment } of graphemeSegmenter.segment(text)) {
    bytes += utf8ByteLength(segment);
    if (bytes > maxBytes) break;
    end += segment.length;
  }
  return text.slice(0, end);
}
