import Typography from '@mui/material/Typography';
import Box from '@mui/material/Box';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useMarksLocation } from '../hooks/use-marks-location';
import { ChatUserField } from './ChatUserField';
import { ChatUserWorkspace } from './ChatUserWorkspace';
import { PageHeader } from '../../../components/PageHeader';

/** Marks (home): `/marks?user=minji.kim&type=group&bit=32&group=3&q=text`. */
export default function MarksPage() {
  const t = useT();
  const [location, updateLocation] = useMarksLocation();

  return (
    <Box>
      <PageHeader title={t('marks.title')} intro={t('marks.intro')} />
      <ChatUserField userId={location.user} onLoad={(user) => updateLocation({ user, q: '', type: null, bit: null, group: null })} />
      <Box sx={{ mt: 3 }}>
        {location.user ? (
          // Keyed by user: selection, added conversations and results belong to one chat user.
          <ChatUserWorkspace
            key={location.user}
            userId={location.user}
            filters={location}
            onFiltersChange={(change) => updateLocation(change, { replace: true })}
          />
        ) : (
          <Typography color="text.secondary">{t('marks.start')}</Typography>
        )}
      </Box>
    </Box>
  );
}
