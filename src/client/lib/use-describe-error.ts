import { useCallback, useContext } from 'react';
import { SessionContext } from './session-context';
import { describeError, type ErrorDescription } from './describe-error';
import { useLanguage, useT } from './i18n/I18nProvider';

/** describeError for the person signed in (admins read configuration problems as they are). */
export function useDescribeError(): (error: unknown) => ErrorDescription {
  const t = useT();
  const [language] = useLanguage();
  const isAdmin = useContext(SessionContext)?.roleAtLeast.admin ?? false;
  return useCallback((error: unknown) => describeError(error, t, language, { isAdmin }), [t, language, isAdmin]);
}
