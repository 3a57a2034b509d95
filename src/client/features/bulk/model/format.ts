// Sizes, rates and durations for the Bulk page, formatted by Intl in the page's language.
import type { Language } from '../../../lib/i18n/translate';

// The same locales as the app's formatter (British English spellings, Korean, Simplified Chinese).
const LOCALES: Record<Language, string> = { en: 'en-GB', ko: 'ko-KR', 'zh-CN': 'zh-CN' };

function unitFormat(language: Language, unit: string, maximumFractionDigits: number, unitDisplay: 'short' | 'long' = 'short') {
  return new Intl.NumberFormat(LOCALES[language], { style: 'unit', unit, unitDisplay, maximumFractionDigits });
}

/** `812 bytes`, `14.2 kB`, `3.1 MB` (decimal units, as file managers show them). */
export function formatFileSize(bytes: number, language: Language): string {
  if (bytes < 1000) return unitFormat(language, 'byte', 0, 'long').format(bytes);
  if (bytes < 1_000_000) return unitFormat(language, 'kilobyte', 1).format(bytes / 1000);
  return unitFormat(language, 'megabyte', 1).format(bytes / 1_000_000);
}

/** `42.5` (calls per second; the sentence around it comes from the dictionary). */
export function formatRate(callsPerSecond: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], { maximumFractionDigits: 1 }).format(callsPerSecond);
}

/**
 * How long is left, as roughly as it is known: `40 seconds`, `2 minutes`, `1.5 hours` (`40초`,
 * `2분`, `1.5시간`). The dictionary wraps it: "about 2 minutes left".
 */
export function formatDuration(seconds: number, language: Language): string {
  if (seconds < 60) return unitFormat(language, 'second', 0, 'long').format(Math.max(1, Math.round(seconds)));
  if (seconds < 3600) return unitFormat(language, 'minute', 0, 'long').format(Math.max(1, Math.round(seconds / 60)));
  return unitFormat(language, 'hour', 1, 'long').format(seconds / 3600);
}

export function formatPercent(percent: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], { style: 'percent', maximumFractionDigits: 0 }).format(Math.floor(percent) / 100);
}
