import { createContext, use, useCallback, useContext, useLayoutEffect, useMemo, useState, type ReactNode } from 'react';
import { readPreference, writePreference } from '../storage';
import {
  createFormatter,
  createTranslator,
  isLanguage,
  languageFromBrowser,
  loadDictionary,
  loadedDictionary,
  type Formatter,
  type Language,
  type Translate,
} from './translate';

type I18nContextValue = { language: Language; setLanguage: (language: Language) => void; t: Translate; format: Formatter };

const I18nContext = createContext<I18nContextValue | null>(null);

const LANGUAGE_PREFERENCE = 'language';

/** The remembered choice, else the browser's languages. */
export function initialLanguage(): Language {
  const remembered = readPreference(LANGUAGE_PREFERENCE);
  if (isLanguage(remembered)) return remembered;
  const preferred = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  return languageFromBrowser(preferred);
}

/**
 * The language, its translator and formatters. Only the language in use has its dictionary
 * downloaded (main.tsx fetches it before the first render); a switch fetches the other one and
 * changes over when it has arrived, so the page never shows keys or goes blank.
 */
export function I18nProvider({ children, language: fixedLanguage }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(() => fixedLanguage ?? initialLanguage());

  const setLanguage = useCallback((next: Language) => {
    writePreference(LANGUAGE_PREFERENCE, next);
    void loadDictionary(next).then(() => setLanguageState(next));
  }, []);

  // In the same commit as the text in that language (a passive effect ran after the paint, so a
  // screen reader, or a test, could meet Chinese text in a page still marked English).
  useLayoutEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  // Loaded before the first render in the app; a nearby Suspense boundary waits for it otherwise.
  const dictionary = loadedDictionary(language) ?? use(loadDictionary(language));
  const value = useMemo(
    () => ({ language, setLanguage, t: createTranslator(language, dictionary), format: createFormatter(language) }),
    [language, setLanguage, dictionary],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function useI18nContext(): I18nContextValue {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useT/useFormat/useLanguage need an <I18nProvider> above them.');
  return context;
}

export function useT(): Translate {
  return useI18nContext().t;
}

export function useFormat(): Formatter {
  return useI18nContext().format;
}

export function useLanguage(): [Language, (language: Language) => void] {
  const { language, setLanguage } = useI18nContext();
  return [language, setLanguage];
}
