import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { Link as RouterLink } from 'react-router';
import { useT } from '../../lib/i18n/I18nProvider';

/** A short panel with a heading and a way back to Marks: coming-soon, not-found, admins-only. */
export function InfoPage({ title, body }: { title: string; body: string }) {
  const t = useT();
  return (
    <Paper variant="outlined" sx={{ p: 4, maxWidth: 640 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {title}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 3 }}>
        {body}
      </Typography>
      <Button component={RouterLink} to="/marks" variant="outlined">
        {t('page.goToMarks')}
      </Button>
    </Paper>
  );
}
