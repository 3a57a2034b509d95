import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { QueryState } from '../../../components/QueryState';
import { PageSkeleton } from '../../../components/PageSkeleton';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { jobQueryOptions } from '../api/get-job';
import { jobsQueryOptions } from '../../../entities/jobs/api/get-jobs';
import { JobStateChip } from './JobStateChip';
import { JobOrigin, rollbacksBySource } from './JobOrigin';
import { shortId } from '../../../../shared/short-id';
import { visuallyHidden } from '../../../components/visually-hidden';

const RELATIVE_TIME_REFRESH_MS = 15_000;

/** The current time, renewed every `intervalMs`. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The latest jobs, newest first, each one a click away from its progress and results. */
export function RecentJobs({ currentJobId, onOpen }: { currentJobId: string | null; onOpen: (jobId: string) => void }) {
  const t = useT();
  const format = useFormat();
  const jobs = useQuery(jobsQueryOptions());
  const rollbacks = useMemo(() => rollbacksBySource(jobs.data?.jobs ?? []), [jobs.data]);
  // The job in view is polled every second; the list only every few: show its row as fresh as the panel.
  const current = useQuery({ ...jobQueryOptions(currentJobId ?? ''), enabled: currentJobId !== null });
  // "2 minutes ago" moves on even while no job is running (and the list is not polled). A job
  // newer than this clock reads "now", never "in 3 seconds".
  const now = useNow(RELATIVE_TIME_REFRESH_MS);

  return (
    <section aria-labelledby="bulk-recent-title">
      <Typography variant="h6" component="h2" id="bulk-recent-title" sx={{ mb: 1 }}>
        {t('bulk.recentTitle')}
      </Typography>
      <QueryState query={jobs} pending={<PageSkeleton rows={3} />} isEmpty={(data) => data.jobs.length === 0} empty={t('bulk.recentEmpty')}>
        {(data) => (
            <TableContainer component={Paper} variant="outlined">
              <Table size="small" aria-labelledby="bulk-recent-title">
                <TableHead>
                  <TableRow>
                    <TableCell>{t('bulk.col.job')}</TableCell>
                    <TableCell>{t('bulk.col.state')}</TableCell>
                    <TableCell>{t('bulk.col.rowsDone')}</TableCell>
                    <TableCell>{t('bulk.col.outcome')}</TableCell>
                    <TableCell>{t('bulk.col.by')}</TableCell>
                    <TableCell>{t('bulk.col.created')}</TableCell>
                    <TableCell>
                      <Typography component="span" sx={visuallyHidden}>
                        {t('bulk.col.open')}
                      </Typography>
                    </TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.jobs.map((listed) => {
                    const isCurrent = listed.jobId === currentJobId;
                    const job = isCurrent && current.data ? current.data : listed;
                    return (
                      <TableRow key={job.jobId} selected={isCurrent} aria-current={isCurrent ? 'true' : undefined}>
                        <TableCell>
                          <Typography component="span" variant="body2" sx={{ fontFamily: 'monospace' }}>
                            {shortId(job.jobId)}
                          </Typography>
                          <JobOrigin status={job} rollback={rollbacks.get(job.jobId)} variant="caption" />
                        </TableCell>
                        <TableCell>
                          <JobStateChip status={job} />
                        </TableCell>
                        <TableCell sx={{ whiteSpace: 'nowrap' }}>{t('bulk.doneOfTotal', { done: format.number(job.done), total: format.number(job.total) })}</TableCell>
                        <TableCell>
                          {t('bulk.outcome', {
                            applied: format.number(job.applied),
                            unchanged: format.number(job.unchanged),
                            conflicts: format.number(job.conflicts),
                            failed: format.number(job.failed),
                          })}
                          {job.invalid ? ` · ${t('bulk.outcomeInvalid', { invalid: format.number(job.invalid) })}` : null}
                        </TableCell>
                        <TableCell>{job.startedBy && job.startedBy !== job.createdBy ? t('bulk.byTwo', { createdBy: job.createdBy, startedBy: job.startedBy }) : job.createdBy}</TableCell>
                        <TableCell sx={{ whiteSpace: 'nowrap' }}>
                          <time dateTime={job.createdAt} title={format.dateTime(job.createdAt)}>
                            {format.relativeTime(job.createdAt, Math.max(now, Date.parse(job.createdAt)))}
                          </time>
                        </TableCell>
                        <TableCell>
                          <Button size="small" onClick={() => onOpen(job.jobId)} disabled={isCurrent} aria-label={isCurrent ? undefined : t('bulk.openJob', { id: shortId(job.jobId) })}>
                            {isCurrent ? t('bulk.shown') : t('bulk.open')}
                          </Button>
                        </TableCell>
                      </TableRow>
                    );
                  })}
                </TableBody>
              </Table>
            </TableContainer>
        )}
      </QueryState>
    </section>
  );
}
