import { useT } from '../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../lib/i18n/translate';
import { InfoPage } from './InfoPage';

export function ComingSoonPage({ page }: { page: PlainMessageKey }) {
  const t = useT();
  return <InfoPage title={t('page.comingSoonTitle', { page: t(page) })} body={t('page.comingSoonBody')} />;
}
