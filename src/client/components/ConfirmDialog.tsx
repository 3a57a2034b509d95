import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useT } from '../lib/i18n/I18nProvider';

type ConfirmDialogProps = {
  title: string;
  body: string;
  confirmLabel: string;
  /** The safe choice, focused first; "Cancel" unless given. */
  cancelLabel?: string;
  onConfirm: () => void;
  onClose: () => void;
};

/** A yes/no question before something that cannot be taken back (ending a session, cancelling a job). */
export function ConfirmDialog({ title, body, confirmLabel, cancelLabel, onConfirm, onClose }: ConfirmDialogProps) {
  const t = useT();
  return (
    <Dialog open onClose={onClose} aria-labelledby="confirm-title" aria-describedby="confirm-body">
      <DialogTitle id="confirm-title">{title}</DialogTitle>
      <DialogContent>
        <DialogContentText id="confirm-body">{body}</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} autoFocus>
          {cancelLabel ?? t('history.cancel')}
        </Button>
        <Button
          variant="contained"
          color="error"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
