import Typography from '@mui/material/Typography';
import type { JobStatus } from '../../../../shared/api/jobs';
import { shortId } from '../../../../shared/short-id';
import { useT } from '../../../lib/i18n/I18nProvider';
import { isJobActive } from '../../../entities/jobs/model/job-state';

export type Rollback = Pick<JobStatus, 'jobId' | 'state' | 'finishedAt'>;

/** The rollback job made from each job of `jobs` that has one (the newest, as listed first). */
export function rollbacksBySource(jobs: readonly JobStatus[]): ReadonlyMap<string, Rollback> {
  const rollbacks = new Map<string, Rollback>();
  for (const job of jobs) {
    if (job.kind === 'rollback' && job.sourceJobId !== undefined && !rollbacks.has(job.sourceJobId)) rollbacks.set(job.sourceJobId, job);
  }
  return rollbacks;
}

/** What a job's rollback has done so far: only a finished one has rolled the job back. */
function rollbackLine(rollback: Rollback, t: ReturnType<typeof useT>): string {
  const id = shortId(rollback.jobId);
  if (rollback.state === 'done') return t('bulk.rolledBackBy', { id });
  if (isJobActive(rollback) || rollback.state === 'paused' || rollback.state === 'checked') return t('bulk.rollingBackBy', { id });
  return t('bulk.rollbackStopped', { id });
}

/**
 * Where a job came from (the rollback or the failed rows of another job) and whether it was rolled
 * back since, by which job (or is being, or the rollback stopped before the end): in the job's panel
 * and in its row of Recent jobs.
 */
export function JobOrigin({ status, rollback, variant = 'body2' }: { status: JobStatus; rollback: Rollback | undefined; variant?: 'body2' | 'caption' }) {
  const t = useT();
  const lines = [
    status.sourceJobId && (status.kind === 'rollback' || status.kind === 'retry')
      ? t(status.kind === 'rollback' ? 'bulk.origin.rollback' : 'bulk.origin.retry', { id: shortId(status.sourceJobId) })
      : null,
    rollback ? rollbackLine(rollback, t) : null,
  ].filter((line) => line !== null);
  if (lines.length === 0) return null;
  return (
    <Typography variant={variant} component="span" color={variant === 'caption' ? 'text.secondary' : undefined} sx={{ display: 'block' }}>
      {lines.join(' · ')}
    </Typography>
  );
}
