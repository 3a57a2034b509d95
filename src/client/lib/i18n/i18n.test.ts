import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultBitLabel } from '../../../shared/marks/bits';
import { en } from './en';
import { ko } from './ko';
import { zhCN } from './zh-cn';
import { createFormatter, createTranslator, interpolate, languageFromBrowser, placeholdersOf, type Language } from './translate';

describe('dictionaries', () => {
  // Completeness is checked by the typecheck (ko is Record<keyof typeof en, string>); this guards
  // what types cannot: a translation that drops or renames a {placeholder}, or is left empty.
  it('Korean keeps every placeholder of the English text and is never empty', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholdersOf(ko[key]), key).toEqual(placeholdersOf(en[key]));
      expect(ko[key].trim(), key).not.toBe('');
    }
    expect(Object.keys(ko).sort()).toEqual(Object.keys(en).sort());
  });

  it('Chinese keeps every placeholder, is never empty, and is Chinese wherever English has words', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholdersOf(zhCN[key]), key).toEqual(placeholdersOf(en[key]));
      expect(zhCN[key].trim(), key).not.toBe('');
    }
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    // Left in English only where the text is a name, a number pattern or another language's own name.
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter((key) => zhCN[key] === en[key] && /[a-z]{3}/.test(en[key].replace(/\{\w+\}/g, '')));
    expect(untranslated).toEqual(['app.name', 'language.en']);
  });

  it('English bit labels are the domain default labels', () => {
    expect([en['bit.favourite'], en['bit.unread'], en['bit.collapsed'], en['bit.hidden']]).toEqual([0, 1, 2, 3].map(defaultBitLabel));
    expect(en['bit.reserved']).toBe(defaultBitLabel(17));
    expect(interpolate(en['bit.custom'], { bit: 40 })).toBe(defaultBitLabel(40));
  });

  it('keeps the accessible names outside tests rely on', () => {
    const t = createTranslator('en');
    expect(t('list.selectRow', { id: 'user1' })).toBe('Select user1');
    expect(t('bit.accessibleName', { label: 'VIP', bit: 32 })).toBe('VIP (bit 32)');
    expect(t('editor.customMarkBytes', { bytes: 9 })).toBe('9 / 256 bytes');
    expect([t('editor.customMark'), t('editor.save'), t('editor.reason'), t('marks.chatUserId')]).toEqual(['Custom mark', 'Save marks', 'Reason', 'Chat user ID']);
    expect([t('nav.marks'), t('nav.inspect'), t('nav.history'), t('nav.bulk'), t('nav.settings')]).toEqual(['Marks', 'Inspect', 'History', 'Bulk', 'Settings']);
    expect([t('signIn.username'), t('signIn.password'), t('signIn.submit')]).toEqual(['Username', 'Password', 'Sign in']);
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(createTranslator('ko')('list.selectRow', { id: 'user1' })).toBe('user1 선택');
  });

  it('follows the browser language by primary subtag', () => {
    expect(languageFromBrowser(['ko-KR', 'en-US'])).toBe('ko');
    expect(languageFromBrowser(['fr-FR', 'ko'])).toBe('ko');
    expect(languageFromBrowser(['en-US'])).toBe('en');
    expect(languageFromBrowser(['zh-CN'])).toBe('zh-CN');
    expect(languageFromBrowser(['zh-Hans-SG', 'en'])).toBe('zh-CN');
    expect(languageFromBrowser(['fr-FR'])).toBe('en');
    expect(languageFromBrowser([])).toBe('en');
  });
});

describe('formatter', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it('formats relative times in each language', () => {
    expect(createFormatter('en').relativeTime('2026-11-21T09:00:00Z', now)).toBe('3 hours ago');
    expect(createFormatter('en').relativeTime('2026-11-20T12:00:00Z', now)).toBe('yesterday');
    expect(createFormatter('ko').relativeTime('2026-11-20T12:00:00Z', now)).toBe('어제');
    expect(createFormatter('en').relativeTime('2026-11-21T11:59:30Z', now)).toBe('30 seconds ago');
  });

  it('writes whole numbers as Intl.NumberFormat does in each language, without building one; other numbers through it', () => {
    const locales: Record<Language, string> = { en: 'en-GB', ko: 'ko-KR', 'zh-CN': 'zh-CN' };
    for (const [language, locale] of Object.entries(locales) as [Language, string][]) {
      const intl = new Intl.NumberFormat(locale);
      const format = createFormatter(language);
      fc.assert(
        fc.property(fc.oneof(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.maxSafeInteger(), fc.constantFrom(0, 999, 1000, -1000, Number.MAX_SAFE_INTEGER)), (value) => {
          expect(format.number(value)).toBe(intl.format(value));
        }),
      );
      expect(format.number(1234.5)).toBe(intl.format(1234.5));
    }
  });

  it('formats absolute times and numbers', () => {
    expect(createFormatter('en').dateTime('2026-11-21T09:30:00Z')).toMatch(/2026/);
    expect(createFormatter('en').number(2000)).toBe('2,000');
    expect(createFormatter('en').dateTime('not a date')).toBe('not a date');
    expect(createFormatter('zh-CN').dateTime('2026-11-21T09:30:00Z')).toMatch(/2026年11月21日/);
    expect(createFormatter('zh-CN').relativeTime('2026-11-20T12:00:00Z', now)).toBe('昨天');
    expect(createFormatter('zh-CN').number(1234567)).toBe('1,234,567');
  });
});
