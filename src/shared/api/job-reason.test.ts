import { describe, expect, it } from 'vitest';
import { bulkJobReason, jobOfBulkJobReason } from './job-reason';

describe('a bulk job’s reason', () => {
  it('is recognised on the job’s own entries, lines and group columns', () => {
    expect(jobOfBulkJobReason(bulkJobReason('job-a1_B2'), 'job:job-a1_B2:line:17')).toBe('job-a1_B2');
    expect(jobOfBulkJobReason(bulkJobReason('job-a1_B2'), 'job:job-a1_B2:groups')).toBe('job-a1_B2');
  });

  it('is not recognised on another request, another job’s entries, or with more words', () => {
    expect(jobOfBulkJobReason(bulkJobReason('job-1'), 'req-1234')).toBeNull();
    expect(jobOfBulkJobReason(bulkJobReason('job-1'), 'job:job-12:line:1')).toBeNull();
    expect(jobOfBulkJobReason(`${bulkJobReason('job-1')} (ticket 4711)`, 'job:job-1:line:1')).toBeNull();
  });
});
