import ContentCopy from '@mui/icons-material/ContentCopy';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useCopyText } from '../../../lib/use-copy-text';

/**
 * A generated password, shown this one time with a copy button. Closing forgets it: only its hash is
 * kept by the BFF, so there is no way to show it again (reset it instead).
 */
export function PasswordOnceDialog({ username, password, onClose }: { username: string; password: string; onClose: () => void }) {
  const t = useT();
  const [copy, copyText] = useCopyText();

  return (
    <Dialog open onClose={onClose} aria-labelledby="password-once-title" aria-describedby="password-once-description" fullWidth maxWidth="sm">
      <DialogTitle id="password-once-title">{t('settings.staff.passwordTitle', { username })}</DialogTitle>
      <DialogContent>
        <DialogContentText id="password-once-description">{t('settings.staff.passwordOnce')}</DialogContentText>
        <Box
          component="output"
          aria-label={t('settings.staff.generatedPassword')}
          data-testid="generated-password"
          sx={{ display: 'block', mt: 2, p: 1.5, fontFamily: 'monospace', fontSize: '1.25rem', letterSpacing: 1, bgcolor: 'action.hover', borderRadius: 1, userSelect: 'all', overflowWrap: 'anywhere' }}
        >
          {password}
        </Box>
        {copy === 'copied' ? (
          <Alert severity="success" sx={{ mt: 1 }} role="status">
            {t('settings.staff.copied')}
          </Alert>
        ) : copy === 'failed' ? (
          <Alert severity="warning" sx={{ mt: 1 }} role="status">
            {t('settings.staff.copyFailed')}
          </Alert>
        ) : null}
      </DialogContent>
      <DialogActions>
        <Button startIcon={<ContentCopy />} onClick={() => void copyText(password)}>
          {t('settings.staff.copyPassword')}
        </Button>
        <Button variant="contained" onClick={onClose}>
          {t('settings.staff.passwordDone')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
