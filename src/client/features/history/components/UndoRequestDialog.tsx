import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useMemo } from 'react';
import { AUDIT_PAGE_MAX, defaultUndoReason, type AuditEntry, type RequestUndoItem } from '../../../../shared/api/audit';
import { chatErrorMessage } from '../../../../shared/chat-errors/catalogue';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { useLanguage, useT } from '../../../lib/i18n/I18nProvider';
import type { PlainMessageKey } from '../../../lib/i18n/translate';
import { EMPTY_HISTORY_FILTERS } from '../../../entities/audit/model/filters';
import { auditEntriesQueryOptions } from '../api/get-audit';
import { useUndoRequest } from '../api/undo-request';
import { UndoActions, UndoReasonField, useUndoReason } from './UndoParts';

const ITEM_LABEL: Record<RequestUndoItem['status'], PlainMessageKey> = {
  undone: 'history.undoRequestItem.undone',
  'already-undone': 'history.undoRequestItem.already-undone',
  conflict: 'history.undoRequestItem.conflict',
  'not-undoable': 'history.undoRequestItem.not-undoable',
  failed: 'history.undoRequestItem.failed',
};

type UndoRequestDialogProps = { requestId: string; entries: readonly AuditEntry[]; onClose: () => void };

/**
 * Undoes every applied entry of one request (the server undoes each with its own checks), then
 * says per conversation what happened: a conversation that changed since is left as it is. The
 * page may show only some of the request's entries (a filter, a first page), so the dialog reads
 * the whole request first and says how many changes Undo all covers when that is more.
 */
export function UndoRequestDialog({ requestId, entries, onClose }: UndoRequestDialogProps) {
  const t = useT();
  const [language] = useLanguage();
  const titleId = useId();
  const whole = useInfiniteQuery({ ...auditEntriesQueryOptions({ ...EMPTY_HISTORY_FILTERS, requestId }, AUDIT_PAGE_MAX), refetchInterval: false });
  const wholeEntries = useMemo(() => whole.data?.pages.flatMap((page) => page.entries), [whole.data]);
  const undo = useUndoRequest([...new Set((wholeEntries ?? entries).map((entry) => entry.chatUser))]);
  const hidden = wholeEntries === undefined ? 0 : wholeEntries.length - entries.length;
  const first = entries[0];
  const undoReason = useUndoReason(() => (first?.reason ? defaultUndoReason(first.reason, first.id) : ''));
  const { reason, problem: reasonProblem } = undoReason;
  const result = undo.data;

  return (
    <Dialog open onClose={undo.isPending ? undefined : onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>{t('history.undoRequestTitle')}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ overflowWrap: 'anywhere' }}>{t('history.undoRequestBody', { requestId })}</DialogContentText>
        {result ? (
          <Box sx={{ mt: 2 }}>
            <Alert severity={result.problems > 0 ? 'warning' : 'success'} role="status">
              {result.problems > 0
                ? t('history.undoRequestDone', { undone: result.undone, problems: result.problems })
                : t('history.undoRequestAllDone', { undone: result.undone })}
            </Alert>
            <Box component="ul" sx={{ pl: 2.5, mt: 1 }}>
              {result.items.map((item) => (
                <Typography component="li" variant="body2" key={item.entryId} sx={{ overflowWrap: 'anywhere' }}>
                  {item.conversation.id}: {t(ITEM_LABEL[item.status])}
                  {item.status === 'failed' && item.upstreamCode !== undefined ? ` — ${chatErrorMessage(item.upstreamCode, language)}` : null}
                </Typography>
              ))}
            </Box>
          </Box>
        ) : undo.isError ? (
          <Box sx={{ mt: 2 }}>
            <ErrorNotice error={undo.error} />
          </Box>
        ) : (
          <>
            {hidden > 0 || whole.hasNextPage ? (
              <Alert severity="info" sx={{ mt: 2 }}>
                {t('history.undoRequestScope', {
                  count: `${wholeEntries?.length ?? 0}${whole.hasNextPage ? '+' : ''}`,
                  shown: entries.length,
                })}
              </Alert>
            ) : null}
            <UndoReasonField {...undoReason} />
          </>
        )}
      </DialogContent>
      <UndoActions
        done={result !== undefined}
        pending={undo.isPending}
        blocked={reasonProblem !== null || whole.isPending}
        confirmLabel={t('history.undoRequestConfirm')}
        onConfirm={() => undo.mutate({ requestId, reason: reason.trim() })}
        onClose={onClose}
      />
    </Dialog>
  );
}
