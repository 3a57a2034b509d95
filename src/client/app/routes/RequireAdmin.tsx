import type { ReactNode } from 'react';
import { useHasRole } from '../../lib/session-context';
import { useT } from '../../lib/i18n/I18nProvider';
import { InfoPage } from './InfoPage';

/** The BFF refuses admin calls anyway; this only spares others a page full of 403s. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const t = useT();
  const isAdmin = useHasRole('admin');
  return isAdmin ? children : <InfoPage title={t('page.adminOnlyTitle')} body={t('page.adminOnlyBody')} />;
}
