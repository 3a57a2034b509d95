import Box from '@mui/material/Box';
import { visuallyHidden } from './visually-hidden';
import Skeleton from '@mui/material/Skeleton';
import { useT } from '../lib/i18n/I18nProvider';

/** The shape of a page while its code or data loads, instead of a blank screen. */
export function PageSkeleton({ rows = 6 }: { rows?: number }) {
  const t = useT();
  return (
    <Box role="status" aria-live="polite" aria-busy="true" sx={{ p: 1 }}>
      <Box component="span" sx={visuallyHidden}>
        {t('app.loading')}
      </Box>
      <Skeleton variant="text" width="30%" height={48} />
      <Skeleton variant="rounded" height={56} sx={{ mb: 2 }} />
      {Array.from({ length: rows }, (_, index) => (
        <Skeleton key={index} variant="text" height={36} />
      ))}
    </Box>
  );
}

