import Download from '@mui/icons-material/Download';
import Pause from '@mui/icons-material/Pause';
import PlayArrow from '@mui/icons-material/PlayArrow';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { JobStatus } from '../../../../shared/api/jobs';
import { ConfirmDialog } from '../../../components/ConfirmDialog';
import { ErrorNotice } from '../../../components/ErrorNotice';
import { QueryState } from '../../../components/QueryState';
import { useToast } from '../../../components/ToastProvider';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { useBitLabeler } from '../../../entities/marks/hooks/use-bit-labeler';
import { marksKeys } from '../../../entities/marks/api/keys';
import { useControlJob } from '../api/control-job';
import { jobQueryOptions } from '../api/get-job';
import { jobResultsHref } from '../api/job-results';
import { bulkKeys } from '../../../entities/jobs/api/keys';
import { jobCheckQueryOptions } from '../api/upload-job';
import { actionsFor, isJobActive, resultsKind, type JobAction } from '../../../entities/jobs/model/job-state';
import { CancelJobDialog } from './CancelJobDialog';
import { CheckResult } from './CheckResult';
import { JobFindings } from './JobFindings';
import { JobFollowUps } from './JobFollowUps';
import { JobProgress } from './JobProgress';
import { JobStateChip } from './JobStateChip';
import { JobOrigin, rollbacksBySource } from './JobOrigin';
import { jobsQueryOptions } from '../../../entities/jobs/api/get-jobs';
import { shortId } from '../../../../shared/short-id';


/** The card of the job being looked at when none is: for editors, Start stays in view, disabled. */
export function NoJobPanel({ canEdit }: { canEdit: boolean }) {
  const t = useT();
  return (
    <Paper component="section" variant="outlined" aria-labelledby="bulk-job-title" sx={{ p: 2 }}>
      <Typography variant="h6" component="h2" id="bulk-job-title" gutterBottom>
        {t('bulk.currentJob')}
      </Typography>
      <Typography color="text.secondary">{canEdit ? t('bulk.noJob') : t('bulk.viewerNoJob')}</Typography>
      {canEdit ? (
        <Box sx={{ mt: 2 }}>
          <Button variant="contained" startIcon={<PlayArrow />} disabled aria-describedby="bulk-start-help">
            {t('bulk.start')}
          </Button>
          <Typography id="bulk-start-help" variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
            {t('bulk.startHelpNoCheck')}
          </Typography>
        </Box>
      ) : null}
    </Paper>
  );
}

type JobPanelProps = { jobId: string; canEdit: boolean; onStarted: () => void; onOpenJob: (jobId: string) => void };

/** One job: its check (before it starts) or its progress, the controls its state allows, and its results. */
export function JobPanel({ jobId, canEdit, onStarted, onOpenJob }: JobPanelProps) {
  const t = useT();
  const format = useFormat();
  const toast = useToast();
  const queryClient = useQueryClient();
  const labeler = useBitLabeler();
  const job = useQuery(jobQueryOptions(jobId));
  const check = useQuery(jobCheckQueryOptions(jobId));
  // The page's Recent jobs list (the same query): whether this job was rolled back since, and by which job.
  const recent = useQuery(jobsQueryOptions());
  const rollbacks = useMemo(() => rollbacksBySource(recent.data?.jobs ?? []), [recent.data]);
  const control = useControlJob(jobId);
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [confirmingStart, setConfirmingStart] = useState(false);

  // When the rows stop moving, the list and every chat user's marks on screen are out of date.
  const status = job.data;
  const active = status ? isJobActive(status) : false;
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active && status) {
      void queryClient.invalidateQueries({ queryKey: bulkKeys.jobs() });
      void queryClient.invalidateQueries({ queryKey: marksKeys.all });
      if (status.state === 'done') {
        toast({ severity: status.conflicts + status.failed === 0 ? 'success' : 'warning', message: t('bulk.finishedToast', counts(status, format.number)) });
      }
    }
    wasActive.current = active;
  }, [active, status, queryClient, toast, t, format]);

  const act = (action: JobAction) =>
    control.mutate(action, {
      onSuccess: () => {
        if (action === 'start') onStarted();
      },
    });

  return (
    <QueryState query={job}>
      {(status) => {
        const results = resultsKind(status.state);
        // Starting a job whose check refused lines is confirmed first: those lines are skipped.
        const refused = status.invalid ?? 0;
        const onAction = (action: JobAction) => {
          if (action === 'start' && refused > 0) setConfirmingStart(true);
          else act(action);
        };
        return (
        <Paper component="section" variant="outlined" aria-labelledby="bulk-job-title" sx={{ p: 2 }}>
          <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 0.5 }}>
            <Typography variant="h6" component="h2" id="bulk-job-title">
              {t('bulk.jobTitle', { id: shortId(status.jobId) })}
            </Typography>
            <JobStateChip status={status} />
          </Stack>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {t('bulk.uploadedBy', { staff: status.createdBy, time: format.dateTime(status.createdAt) })}
            {status.startedBy && status.startedAt ? ` · ${t('bulk.startedBy', { staff: status.startedBy, time: format.dateTime(status.startedAt) })}` : ''}
            {status.finishedAt ? ` · ${t('bulk.finishedAt', { time: format.dateTime(status.finishedAt) })}` : ''}
          </Typography>
          <Box sx={{ mb: 2, mt: -1.5, '&:empty': { display: 'none' } }} data-testid="job-origin">
            <JobOrigin status={status} rollback={rollbacks.get(status.jobId)} />
          </Box>

          {status.state === 'checked' ? <CheckResult check={check.data} status={status} labeler={labeler} /> : <JobProgress status={status} />}
          <JobFindings status={status} impactMessage={check.data?.impactMessage} />

          {status.state === 'failed' ? (
            <Alert severity="error" sx={{ mt: 2 }}>
              <AlertTitle>{t('bulk.failedTitle')}</AlertTitle>
              {status.message ?? t('bulk.failedNoMessage')}
            </Alert>
          ) : null}
          {status.state === 'paused' ? (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {t('bulk.pausedNote')}
            </Typography>
          ) : null}

          {canEdit ? <JobControls status={status} pending={control.isPending ? control.variables : null} onAction={onAction} onCancel={() => setConfirmingCancel(true)} /> : null}
          {canEdit ? <JobFollowUps status={status} onOpenJob={onOpenJob} /> : null}
          {control.isError ? (
            <Box sx={{ mt: 2 }}>
              <ErrorNotice error={control.error} />
            </Box>
          ) : null}

          {results ? (
            <Box sx={{ mt: 2 }}>
              <Button component="a" href={jobResultsHref(status.jobId)} download variant="outlined" startIcon={<Download />}>
                {results === 'final' ? t('bulk.results') : t('bulk.resultsPartial')}
              </Button>
              <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
                {t('bulk.resultsHelp')}
              </Typography>
            </Box>
          ) : null}
          {confirmingStart ? (
            <ConfirmDialog
              title={refused === 1 ? t('bulk.confirmStartTitleOne') : t('bulk.confirmStartTitle', { invalid: format.number(refused) })}
              body={
                refused === 1
                  ? t('bulk.confirmStartBodyOne', { valid: format.number(status.total) })
                  : t('bulk.confirmStartBody', { invalid: format.number(refused), valid: format.number(status.total) })
              }
              confirmLabel={t('bulk.confirmStartConfirm', { valid: format.number(status.total) })}
              onConfirm={() => act('start')}
              onClose={() => setConfirmingStart(false)}
            />
          ) : null}
          {confirmingCancel ? <CancelJobDialog status={status} onConfirm={() => act('cancel')} onClose={() => setConfirmingCancel(false)} /> : null}
        </Paper>
        );
      }}
    </QueryState>
  );
}

function counts(status: JobStatus, number: (value: number) => string) {
  return { applied: number(status.applied), unchanged: number(status.unchanged), conflicts: number(status.conflicts), failed: number(status.failed) };
}

type JobControlsProps = { status: JobStatus; pending: JobAction | null | undefined; onAction: (action: JobAction) => void; onCancel: () => void };

function JobControls({ status, pending, onAction, onCancel }: JobControlsProps) {
  const t = useT();
  const format = useFormat();
  const actions = actionsFor(status.state);
  if (actions.length === 0) return null;
  const busy = pending !== null && pending !== undefined;
  return (
    <Box sx={{ mt: 2 }}>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        {actions.includes('start') ? (
          <Button
            variant="contained"
            startIcon={<PlayArrow />}
            onClick={() => onAction('start')}
            disabled={status.total === 0 || busy}
            loading={pending === 'start'}
            loadingPosition="start"
            aria-describedby="bulk-start-help"
          >
            {t('bulk.start')}
          </Button>
        ) : null}
        {actions.includes('pause') ? (
          <Button variant="outlined" startIcon={<Pause />} onClick={() => onAction('pause')} disabled={busy} loading={pending === 'pause'} loadingPosition="start">
            {t('bulk.pause')}
          </Button>
        ) : null}
        {actions.includes('resume') ? (
          <Button variant="contained" startIcon={<PlayArrow />} onClick={() => onAction('resume')} disabled={busy} loading={pending === 'resume'} loadingPosition="start">
            {t('bulk.resume')}
          </Button>
        ) : null}
        {actions.includes('cancel') ? (
          <Button variant="outlined" color="error" onClick={onCancel} disabled={busy} loading={pending === 'cancel'}>
            {t('bulk.cancel')}
          </Button>
        ) : null}
      </Stack>
      {actions.includes('start') ? (
        <Typography id="bulk-start-help" variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          {status.total === 0 ? t('bulk.startHelpNoValid') : t('bulk.startHelpReady', { valid: format.number(status.total) })}
        </Typography>
      ) : null}
    </Box>
  );
}
