import { useCallback } from 'react';
import { describeError, type ErrorDescription } from './describe-error';
import { useLanguage, useT } from './i18n/I18nProvider';

export function useDescribeError(): (error: unknown) => ErrorDescription {
  const t = useT();
  const [language] = useLanguage();
  return useCallback((error: unknown) => describeError(error, t, language), [t, language]);
}
