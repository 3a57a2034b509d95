// A what-if as a bulk-job file (README "Bulk jobs"), for someone who may look but not change:
// one line per chosen conversation whose bits the what-if changes, so an editor can check and
// run it later on the Bulk page. Bits are written by index (labels can be renamed meanwhile).
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { jobCsvForChange } from '../../../entities/jobs/model/job-csv';
import { applyWhatIf, whatIfChange, type WhatIf } from './what-if';

/** The chosen conversations the what-if changes, in the list's order. */
export function affectedByWhatIf(entries: readonly ConversationEntry[], whatIf: WhatIf): ConversationEntry[] {
  return applyWhatIf(entries, whatIf).filter((entry) => entry.whatIfChanged);
}

/** The bulk-job CSV of the what-if (header only when it changes nothing). */
export function whatIfJobCsv(userId: string, entries: readonly ConversationEntry[], whatIf: WhatIf): string {
  const change = whatIfChange(whatIf);
  return jobCsvForChange(
    userId,
    affectedByWhatIf(entries, whatIf).map((entry) => entry.conversation),
    { setBits: change.setBits, clearBits: change.clearBits },
  );
}

/** `markdesk-what-if-minji.kim.csv`: the user's ID with anything a file name should not hold replaced. */
export function whatIfFileName(userId: string): string {
  return `markdesk-what-if-${userId.replace(/[^\p{L}\p{N}._-]+/gu, '_')}.csv`;
}
