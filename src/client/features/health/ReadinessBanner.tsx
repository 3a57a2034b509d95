import Alert from '@mui/material/Alert';
import { useT } from '../../lib/i18n/I18nProvider';
import { useReady } from './api/get-ready';

/** Shown to everyone while Markdesk is not ready; admins also read what to check. */
export function ReadinessBanner({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const ready = useReady();
  const problem = ready.data?.ready === false ? ready.data.problem : null;
  if (!problem) return null;
  return (
    <Alert severity="error" role="alert" square sx={{ borderRadius: 0 }}>
      {t(`ready.banner.${problem}`)}
      {isAdmin && <div>{t(`ready.adminHint.${problem}`)}</div>}
    </Alert>
  );
}
