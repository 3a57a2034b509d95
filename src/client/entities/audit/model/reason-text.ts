import type { AuditEntry } from '../../../../shared/api/audit';
import { jobOfBulkJobReason } from '../../../../shared/api/job-reason';
import { shortId } from '../../../../shared/short-id';
import type { Translate } from '../../../lib/i18n/translate';

/**
 * How a reason wraps: Korean words stay whole (Hangul otherwise breaks between any two syllables,
 * "요\n청"), and a run too long for the line (a ticket id, Chinese without spaces) still wraps.
 */
export const REASON_TEXT = { wordBreak: 'keep-all', overflowWrap: 'anywhere' } as const;

/** An entry's reason as shown (History, a user's group changes): a bulk job's own reason in the reader's language, any other as typed. */
export function shownReason(entry: Pick<AuditEntry, 'reason' | 'requestId'>, t: Translate): string | undefined {
  if (!entry.reason) return entry.reason;
  const jobId = jobOfBulkJobReason(entry.reason, entry.requestId);
  return jobId === null ? entry.reason : t('history.bulkJobReason', { id: shortId(jobId) });
}
