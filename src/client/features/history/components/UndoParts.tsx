import Button from '@mui/material/Button';
import DialogActions from '@mui/material/DialogActions';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { MARK_REASON_MAX_CHARS, markReasonSchema } from '../../../../shared/api/marks';
import { useT } from '../../../lib/i18n/I18nProvider';

/** The reason of an undo (one entry or a whole request), checked with the save's own schema. */
export function useUndoReason(initial: () => string) {
  const t = useT();
  const [reason, setReason] = useState(initial);
  const problem = markReasonSchema.safeParse(reason.trim()).success ? null : t('text.unstorable');
  return { reason, setReason, problem };
}

export function UndoReasonField({ reason, setReason, problem }: ReturnType<typeof useUndoReason>) {
  const t = useT();
  return (
    <TextField
      label={t('history.undoReason')}
      helperText={problem ?? t('history.undoReasonHelp')}
      error={problem !== null}
      value={reason}
      onChange={(event) => setReason(event.target.value)}
      fullWidth
      sx={{ mt: 2 }}
      slotProps={{ htmlInput: { maxLength: MARK_REASON_MAX_CHARS } }}
    />
  );
}

/** Cancel and the confirming button until it is done; then only Close. */
export function UndoActions(props: { done: boolean; pending: boolean; blocked: boolean; confirmLabel: string; onConfirm: () => void; onClose: () => void }) {
  const t = useT();
  return (
    <DialogActions>
      <Button onClick={props.onClose} disabled={props.pending}>
        {props.done ? t('history.close') : t('history.cancel')}
      </Button>
      {props.done ? null : (
        <Button variant="contained" onClick={props.onConfirm} loading={props.pending} disabled={props.blocked}>
          {props.confirmLabel}
        </Button>
      )}
    </DialogActions>
  );
}
