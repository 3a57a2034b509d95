// Text that can be stored exactly. Two kinds of character never come back as they went in:
// - an unpaired UTF-16 surrogate (half of an emoji, e.g. from a JSON "\ud800"): UTF-8 cannot encode
//   it, so SQLite, Chat and every UTF-8 file get U+FFFD instead, and a hash taken of the string
//   before it was stored no longer matches what was stored;
// - a control character (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F): invisible in every UI,
//   it splits lines in logs and CSV files and makes two different texts look the same.
// Every free-text field that enters the system is checked here, so the API, the SPA's forms, the
// bulk-job checker and the staff CLI refuse the same characters with the same sentence.
import { z } from 'zod/mini';

// With the u flag a class over the surrogate range matches only unpaired surrogates: a pair is read
// as the one astral code point it encodes.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001F\u007F-\u009F]/u;
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/u;

/** True when `text` holds half of a surrogate pair on its own. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/** True when `text` holds a C0, DEL or C1 control character. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}

/** True when `text` is well-formed UTF-16 without control characters: it is stored and read back exactly. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** `subject` starts the sentence: "The reason", "This cell". */
export function unstorableTextMessage(subject: string): string {
  return `${subject} contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.`;
}

/** For fields where control characters are allowed and only a broken emoji half is refused. */
export function brokenTextMessage(subject: string): string {
  return `${subject} contains a broken emoji half (an unpaired surrogate) that cannot be stored. Remove it.`;
}

export type StorableTextOptions = {
  /**
   * Allow control characters and refuse only lone surrogates: for a value compared with what Chat
   * already holds (Chat may hold control characters), never for text Markdesk writes itself.
   */
  allowControlCharacters?: boolean;
};

/**
 * A zod string that refuses unstorable text with the sentence above, before any later check runs
 * (so a length message never counts a character that has to go anyway). Add further checks after it:
 * `storableText('The reason').check(z.maxLength(500))`.
 */
export function storableText(subject: string, options: StorableTextOptions = {}) {
  return options.allowControlCharacters
    ? z.string().check(z.refine((text) => !hasLoneSurrogate(text), { error: brokenTextMessage(subject), abort: true }))
    : z.string().check(z.refine(isStorableText, { error: unstorableTextMessage(subject), abort: true }));
}
