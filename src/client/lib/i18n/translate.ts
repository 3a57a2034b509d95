// Pure i18n machinery (no React): languages, typed keys with typed `{placeholder}` values, and the
// Intl-based formatters. The React side lives in I18nProvider.tsx.
import { en, type EnglishMessages, type MessageKey } from './en';
import { ko } from './ko';
import { zhCN } from './zh-cn';

export const LANGUAGES = ['en', 'ko', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { en, ko, 'zh-CN': zhCN };

/** The names inside `{…}` of an English message, as a union of string literals. */
export type Placeholders<Text extends string> = Text extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** Keys whose message has no placeholder: usable where the key itself is data (nav entries, code maps). */
export type PlainMessageKey = {
  [Key in MessageKey]: [Placeholders<EnglishMessages[Key]>] extends [never] ? Key : never;
}[MessageKey];

export type MessageValues<Key extends MessageKey> = Record<Placeholders<EnglishMessages[Key]>, string | number>;

/** `t('list.selectRow', { id })`: the values argument is required exactly when the message has placeholders. */
export type Translate = <Key extends MessageKey>(
  key: Key,
  ...values: [Placeholders<EnglishMessages[Key]>] extends [never] ? [] : [MessageValues<Key>]
) => string;

const PLACEHOLDER = /\{(\w+)\}/g;

export function interpolate(template: string, values: Record<string, string | number> | undefined): string {
  if (!values) return template;
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string).sort();
}

export function createTranslator(language: Language): Translate {
  const dictionary = DICTIONARIES[language];
  return ((key: MessageKey, values?: Record<string, string | number>) => interpolate(dictionary[key] ?? en[key], values)) as Translate;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The first browser language we have, by primary subtag (`ko-KR` → ko, any `zh-…` → zh-CN); English otherwise. */
export function languageFromBrowser(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh-CN';
    if (isLanguage(primary)) return primary;
  }
  return 'en';
}

const LOCALES: Record<Language, string> = { en: 'en-GB', ko: 'ko-KR', 'zh-CN': 'zh-CN' };

export type Formatter = {
  /** e.g. `21 Nov 2026, 09:30` in the person's time zone. */
  dateTime(iso: string): string;
  /** e.g. `3 hours ago`, `어제`. */
  relativeTime(iso: string, now?: number): string;
  number(value: number): string;
};

const RELATIVE_UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

export function createFormatter(language: Language): Formatter {
  const locale = LOCALES[language];
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const relativeFormat = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const numberFormat = new Intl.NumberFormat(locale);
  return {
    dateTime: (iso) => {
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
    },
    relativeTime: (iso, now = Date.now()) => {
      const time = new Date(iso).getTime();
      if (Number.isNaN(time)) return iso;
      const seconds = Math.round((time - now) / 1000);
      for (const [unit, size] of RELATIVE_UNITS) {
        if (Math.abs(seconds) >= size) return relativeFormat.format(Math.trunc(seconds / size), unit);
      }
      return relativeFormat.format(seconds, 'second');
    },
    number: (value) => numberFormat.format(value),
  };
}
