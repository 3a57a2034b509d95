// Pure i18n machinery (no React): languages, typed keys with typed `{placeholder}` values, the
// dictionaries (each its own chunk, loaded when its language is used) and the Intl-based formatters.
// The React side lives in I18nProvider.tsx.
import { groupDigits } from '../../../shared/text/group-digits';
import type { EnglishMessages, MessageKey } from './en';

export const LANGUAGES = ['en', 'ko', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export type Dictionary = Record<MessageKey, string>;

/**
 * Where each language's dictionary comes from: a dynamic import, so a visit downloads only the
 * dictionary of its language. Adding a language is one line here (and its entry in LANGUAGES).
 */
const DICTIONARY_LOADERS: Record<Language, () => Promise<Dictionary>> = {
  en: () => import('./en').then((module) => module.en),
  ko: () => import('./ko').then((module) => module.ko),
  'zh-CN': () => import('./zh-cn').then((module) => module.zhCN),
};

const loadedDictionaries = new Map<Language, Dictionary>();
const pendingDictionaries = new Map<Language, Promise<Dictionary>>();

/** The dictionary of `language`, fetched once; later calls get the same promise. */
export function loadDictionary(language: Language): Promise<Dictionary> {
  let pending = pendingDictionaries.get(language);
  if (pending === undefined) {
    pending = DICTIONARY_LOADERS[language]().then((dictionary) => {
      loadedDictionaries.set(language, dictionary);
      return dictionary;
    });
    // A failed download (a flaky link) may be tried again.
    pending.catch(() => pendingDictionaries.delete(language));
    pendingDictionaries.set(language, pending);
  }
  return pending;
}

/** The dictionary of `language` if it has arrived, else undefined. */
export function loadedDictionary(language: Language): Dictionary | undefined {
  return loadedDictionaries.get(language);
}

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

/** A translator over a loaded dictionary (loadDictionary first); throws when it has not arrived. */
export function createTranslator(language: Language, dictionary: Dictionary | undefined = loadedDictionaries.get(language)): Translate {
  if (dictionary === undefined) throw new Error(`The ${language} dictionary is not loaded yet: await loadDictionary('${language}') first.`);
  // A key missing from a dictionary shows as the key itself: the typecheck makes that impossible for the ones we ship.
  return ((key: MessageKey, values?: Record<string, string | number>) => interpolate(dictionary[key] ?? key, values)) as Translate;
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

/** Formatters whose Intl objects are built on first use: building them costs more than a first paint can spare. */
export function createFormatter(language: Language): Formatter {
  const locale = LOCALES[language];
  let dateTimeFormat: Intl.DateTimeFormat | undefined;
  let relativeFormat: Intl.RelativeTimeFormat | undefined;
  let numberFormat: Intl.NumberFormat | undefined;
  return {
    dateTime: (iso) => {
      const date = new Date(iso);
      if (Number.isNaN(date.getTime())) return iso;
      dateTimeFormat ??= new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
      return dateTimeFormat.format(date);
    },
    relativeTime: (iso, now = Date.now()) => {
      const time = new Date(iso).getTime();
      if (Number.isNaN(time)) return iso;
      relativeFormat ??= new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
      const seconds = Math.round((time - now) / 1000);
      for (const [unit, size] of RELATIVE_UNITS) {
        if (Math.abs(seconds) >= size) return relativeFormat.format(Math.trunc(seconds / size), unit);
      }
      return relativeFormat.format(seconds, 'second');
    },
    number: (value) => {
      if (Number.isSafeInteger(value)) return groupDigits(value);
      numberFormat ??= new Intl.NumberFormat(locale);
      return numberFormat.format(value);
    },
  };
}
