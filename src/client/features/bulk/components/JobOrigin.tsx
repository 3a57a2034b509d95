import Typography from '@mui/material/Typography';
import type { JobStatus } from '../../../../shared/api/jobs';
import { shortId } from '../../../../shared/short-id';
import { useT } from '../../../lib/i18n/I18nProvider';

/** The rollback job made from each job of `jobs` that was rolled back (the newest, as listed first). */
export function rollbacksBySource(jobs: readonly JobStatus[]): ReadonlyMap<string, string> {
  const rollbacks = new Map<string, string>();
  for (const job of jobs) {
    if (job.kind === 'rollback' && job.sourceJobId !== undefined && !rollbacks.has(job.sourceJobId)) rollbacks.set(job.sourceJobId, job.jobId);
  }
  return rollbacks;
}

/**
 * Where a job came from (the rollback or the failed rows of another job) and whether it was rolled
 * back since, by which job: in the job's panel and in its row of Recent jobs.
 */
export function JobOrigin({ status, rolledBackBy, variant = 'body2' }: { status: JobStatus; rolledBackBy: string | undefined; variant?: 'body2' | 'caption' }) {
  const t = useT();
  const lines = [
    status.sourceJobId && (status.kind === 'rollback' || status.kind === 'retry')
      ? t(status.kind === 'rollback' ? 'bulk.origin.rollback' : 'bulk.origin.retry', { id: shortId(status.sourceJobId) })
      : null,
    rolledBackBy ? t('bulk.rolledBackBy', { id: shortId(rolledBackBy) }) : null,
  ].filter((line) => line !== null);
  if (lines.length === 0) return null;
  return (
    <Typography variant={variant} component="span" color={variant === 'caption' ? 'text.secondary' : undefined} sx={{ display: 'block' }}>
      {lines.join(' · ')}
    </Typography>
  );
}
