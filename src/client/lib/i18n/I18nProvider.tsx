import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { readPreference, writePreference } from '../storage';
import {
  createFormatter,
  createTranslator,
  isLanguage,
  languageFromBrowser,
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

export function I18nProvider({ children, language: fixedLanguage }: { children: ReactNode; language?: Language }) {
  const [language, setLanguageState] = useState<Language>(() => fixedLanguage ?? initialLanguage());

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    writePreference(LANGUAGE_PREFERENCE, next);
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const value = useMemo(
    () => ({ language, setLanguage, t: createTranslator(language), format: createFormatter(language) }),
    [language, setLanguage],
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
