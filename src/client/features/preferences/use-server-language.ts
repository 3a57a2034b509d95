import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { preferenceRoutes } from '../../../shared/api/contracts/preferences';
import type { Preferences } from '../../../shared/api/preferences';
import { callRoute } from '../../lib/call-route';
import { useLanguage } from '../../lib/i18n/I18nProvider';
import type { Language } from '../../lib/i18n/translate';

export const preferencesKey = ['preferences'] as const;

export function getPreferences(signal?: AbortSignal): Promise<Preferences> {
  return callRoute(preferenceRoutes.get, { signal });
}

export function savePreferences(language: Language): Promise<Preferences> {
  return callRoute(preferenceRoutes.put, { body: { language } });
}

/**
 * The language follows the person, not the browser: once signed in, the language saved on the
 * server wins over this browser's; with none saved yet, this browser's (its own language on a first
 * visit) is saved. Returns the setter the language menu uses, which saves each choice.
 */
export function useServerLanguage(): (language: Language) => void {
  const [language, setLanguage] = useLanguage();
  const saved = useQuery({ queryKey: preferencesKey, queryFn: ({ signal }) => getPreferences(signal), staleTime: Infinity, refetchInterval: false });
  const save = useMutation({ mutationFn: savePreferences });
  const settled = useRef(false);
  const { mutate } = save;
  useEffect(() => {
    if (settled.current || !saved.data) return;
    settled.current = true;
    if (saved.data.language === null) mutate(language);
    else if (saved.data.language !== language) setLanguage(saved.data.language);
  }, [saved.data, language, setLanguage, mutate]);
  return (next: Language) => {
    setLanguage(next);
    mutate(next);
  };
}
