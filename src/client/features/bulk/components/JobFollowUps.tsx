import Replay from '@mui/icons-material/Replay';
import Undo from '@mui/icons-material/Undo';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { JobStatus } from '../../../../shared/api/jobs';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { isApiError } from '../../../lib/api-error';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useRetryFailedRows, useRollbackJob } from '../api/job-follow-ups';
import { shortId } from '../../../../shared/short-id';

const FINISHED: readonly string[] = ['done', 'cancelled', 'failed'];

/** What can follow a finished job (editors only): its rollback, confirmed first, and a new job of its failed rows. */
export function JobFollowUps({ status, onOpenJob }: { status: JobStatus; onOpenJob: (jobId: string) => void }) {
  const t = useT();
  const format = useFormat();
  const rollback = useRollbackJob(status.jobId);
  const retry = useRetryFailedRows(status.jobId);
  const [confirming, setConfirming] = useState(false);
  if (!FINISHED.includes(status.state) || (status.state === 'cancelled' && status.finishedAt === undefined)) return null;
  const busy = rollback.isPending || retry.isPending;
  const error = rollback.error ?? retry.error;
  return (
    <Box sx={{ mt: 2 }}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <Button variant="outlined" startIcon={<Undo />} onClick={() => setConfirming(true)} disabled={status.applied === 0 || busy} loading={rollback.isPending} loadingPosition="start">
          {t('bulk.rollback')}
        </Button>
        <Button
          variant="outlined"
          startIcon={<Replay />}
          onClick={() => retry.mutate(undefined, { onSuccess: (created) => onOpenJob(created.jobId) })}
          disabled={status.failed === 0 || busy}
          loading={retry.isPending}
          loadingPosition="start"
        >
          {t('bulk.retryFailed')}
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
        {t('bulk.followUpHelp')}
      </Typography>
      {error ? (
        <Box sx={{ mt: 1 }}>
          <ErrorNotice error={error} />
          {/* The server refuses while a line's call may have landed unrecorded (a failed job's last calls): what to do about it. */}
          {isApiError(error) && error.code === 'CONFLICT' ? (
            <Typography variant="body2" sx={{ mt: 0.5 }}>
              {t('bulk.followUpConflict')}
            </Typography>
          ) : null}
        </Box>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={t('bulk.confirmRollbackTitle', { id: shortId(status.jobId) })}
          body={t('bulk.confirmRollbackBody', { applied: format.number(status.applied) })}
          confirmLabel={t('bulk.confirmRollbackConfirm', { applied: format.number(status.applied) })}
          onConfirm={() => rollback.mutate(undefined, { onSuccess: (created) => onOpenJob(created.jobId) })}
          onClose={() => setConfirming(false)}
        />
      ) : null}
    </Box>
  );
}
