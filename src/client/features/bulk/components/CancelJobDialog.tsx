import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import type { JobStatus } from '../../../../shared/api/jobs';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';

/** Cancelling cannot be taken back: say what stays written and what will never be sent. */
export function CancelJobDialog({ status, onConfirm, onClose }: { status: JobStatus; onConfirm: () => void; onClose: () => void }) {
  const t = useT();
  const format = useFormat();
  const remaining = Math.max(0, status.total - status.done);
  return (
    <Dialog open onClose={onClose} aria-labelledby="cancel-job-title" aria-describedby="cancel-job-body">
      <DialogTitle id="cancel-job-title">{t('bulk.cancelTitle')}</DialogTitle>
      <DialogContent>
        <DialogContentText id="cancel-job-body">
          {status.done === 0 ? t('bulk.cancelBodyNothingSent', { remaining: format.number(remaining) }) : t('bulk.cancelBody', { remaining: format.number(remaining) })}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} autoFocus>
          {t('bulk.keepJob')}
        </Button>
        <Button
          variant="contained"
          color="error"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {t('bulk.confirmCancel')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
