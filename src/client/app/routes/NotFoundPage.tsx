import { useT } from '../../lib/i18n/I18nProvider';
import { InfoPage } from './InfoPage';

export function NotFoundPage() {
  const t = useT();
  return <InfoPage title={t('page.notFoundTitle')} body={t('page.notFoundBody')} />;
}
