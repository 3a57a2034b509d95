import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { defaultUndoReason, type AuditEntry } from '../../../../shared/api/audit';
import { inverseChange } from '../../../../shared/marks/change';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useToast } from '../../../components/ToastProvider';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import { describeChange } from '../../../entities/marks/model/preview';
import { revertConflictOf, useRevertAuditEntry } from '../api/revert-audit-entry';
import { BitNames, CustomMarkText } from './MarkStateView';
import { UndoActions, UndoReasonField, useUndoReason } from './UndoParts';

/** `onClose(undone)`: true when it closes because the undo was made (its Undo button is then gone). */
type UndoDialogProps = { entry: AuditEntry; labeler: BitLabeler; onClose: (undone?: boolean) => void };

/**
 * Confirms an undo: says what will be written (the inverse of the entry's change), then posts the
 * revert. When the conversation has changed since, the BFF refuses (409) and this shows its state now.
 */
export function UndoDialog({ entry, labeler, onClose }: UndoDialogProps) {
  const t = useT();
  const toast = useToast();
  const revert = useRevertAuditEntry();
  // The ticket number travels with the undo: the original reason after "Undo:".
  const undoReason = useUndoReason(() => defaultUndoReason(entry.reason, entry.id));
  const { reason, problem: reasonProblem } = undoReason;
  const conflict = revertConflictOf(revert.error);
  const inverse =
    entry.before !== null
      ? describeChange(
          inverseChange(entry.before, {
            setBits: entry.requested.setBits,
            clearBits: entry.requested.clearBits,
            ...(entry.requested.customMark === undefined ? {} : { customMark: entry.requested.customMark }),
          }),
          labeler,
          t,
        )
      : null;

  const confirm = () =>
    revert.mutate(
      { entry, reason: reason.trim() },
      {
        onSuccess: () => {
          toast({ severity: 'success', message: t('history.undone', { id: entry.conversation.id }) });
          onClose(true);
        },
      },
    );

  return (
    <Dialog open onClose={revert.isPending ? undefined : () => onClose()} aria-labelledby="undo-title" aria-describedby="undo-description" fullWidth maxWidth="sm">
      <DialogTitle id="undo-title">{t('history.undoTitle')}</DialogTitle>
      <DialogContent>
        <DialogContentText id="undo-description" sx={{ overflowWrap: 'anywhere' }}>
          {t('history.undoBody', { id: entry.conversation.id, chatUser: entry.chatUser })}
        </DialogContentText>
        {inverse ? (
          <Typography sx={{ mt: 1, fontWeight: 500 }} data-testid="undo-change">
            {inverse}
          </Typography>
        ) : null}
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
          {t('history.undoKeepsOthers')}
        </Typography>
        {conflict ? (
          <Alert severity="warning" role="alert" sx={{ mt: 2 }}>
            <AlertTitle>{t('history.conflictTitle')}</AlertTitle>
            {t('history.conflictBody')}
            <Box sx={{ mt: 1, display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', columnGap: 1, rowGap: 0.5, alignItems: 'center' }}>
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {t('history.conflictBits')}
              </Typography>
              <BitNames bits={conflict.current.bits} labeler={labeler} />
              <Typography variant="body2" sx={{ fontWeight: 600 }}>
                {t('history.customMark')}
              </Typography>
              <CustomMarkText value={conflict.current.customMark} />
            </Box>
          </Alert>
        ) : revert.isError ? (
          <Box sx={{ mt: 2 }}>
            <ErrorNotice error={revert.error} />
          </Box>
        ) : (
          <UndoReasonField {...undoReason} />
        )}
      </DialogContent>
      <UndoActions
        done={conflict !== null}
        pending={revert.isPending}
        blocked={reasonProblem !== null}
        confirmLabel={t('history.confirmUndo')}
        onConfirm={confirm}
        onClose={() => onClose()}
      />
    </Dialog>
  );
}
