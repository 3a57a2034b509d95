import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../../../shared/api/jobs';
import { renderWithProviders } from '../../../test/render';
import { JobOrigin, rollbacksBySource, type Rollback } from './JobOrigin';

const job = (jobId: string, extra: Partial<JobStatus> = {}) => ({ jobId, state: 'done', ...extra }) as JobStatus;

describe('what a job says of its rollback', () => {
  it('says "rolled back" only once the rollback is done; under way, or stopped before the end, it says so', () => {
    const cases: [Rollback, string][] = [
      [{ jobId: 'job-rb000001', state: 'done', finishedAt: '2026-12-08T00:00:00Z' }, 'Rolled back by job rb000001'],
      [{ jobId: 'job-rb000002', state: 'running' }, 'Being rolled back by job rb000002'],
      [{ jobId: 'job-rb000003', state: 'paused' }, 'Being rolled back by job rb000003'],
      [{ jobId: 'job-rb000004', state: 'cancelled', finishedAt: '2026-12-08T00:00:00Z' }, 'Rollback job rb000004 stopped before the end'],
      [{ jobId: 'job-rb000005', state: 'failed', finishedAt: '2026-12-08T00:00:00Z' }, 'Rollback job rb000005 stopped before the end'],
    ];
    for (const [rollback, sentence] of cases) {
      const view = renderWithProviders(<JobOrigin status={job('job-src1')} rollback={rollback} />);
      expect(screen.getByText(sentence)).toBeInTheDocument();
      view.unmount();
    }
  });

  it('names the newest rollback of each job, as the list gives them newest first', () => {
    const rollbacks = rollbacksBySource([
      job('job-rb2', { kind: 'rollback', sourceJobId: 'job-a', state: 'running' }),
      job('job-rb1', { kind: 'rollback', sourceJobId: 'job-a', state: 'cancelled' }),
      job('job-rt1', { kind: 'retry', sourceJobId: 'job-b' }),
      job('job-a'),
    ]);
    expect(rollbacks.get('job-a')?.jobId).toBe('job-rb2');
    expect(rollbacks.has('job-b')).toBe(false);
  });
});
