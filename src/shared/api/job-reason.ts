// The reason a bulk job's audit entries carry (its lines' and its group columns'): a fixed English
// form with the job's ID, so a search for "bulk job" finds them in any language. The SPA shows it in
// the reader's language instead, recognising it by its form and the entry's request id (`job:{id}:…`),
// so a person's own reason that merely reads the same is shown as typed.

export function bulkJobReason(jobId: string): string {
  return `bulk job ${jobId}`;
}

/** The job of an entry whose reason is its bulk job's, or null. */
export function jobOfBulkJobReason(reason: string, requestId: string): string | null {
  const jobId = /^bulk job ([A-Za-z0-9_-]{1,64})$/.exec(reason)?.[1];
  return jobId !== undefined && requestId.startsWith(`job:${jobId}:`) ? jobId : null;
}
