// What can be done with a job in each state, and whether its numbers are still moving. The server
// decides (a refused action answers 409); this only decides which buttons to show.
import type { JobState, JobStatus } from '../../../../shared/api/jobs';

export type JobAction = 'start' | 'pause' | 'resume' | 'cancel';

const ACTIONS: Record<JobState, readonly JobAction[]> = {
  checked: ['start', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  // A failed job stopped on an error a person can fix (say, the Chat edition): it can go on.
  failed: ['resume', 'cancel'],
  done: [],
  cancelled: [],
};

export function actionsFor(state: JobState): readonly JobAction[] {
  return ACTIONS[state];
}

/**
 * Rows are still being written: running, or cancelled while the calls already in flight finish
 * (a cancelled job gets its finishedAt once they have).
 */
export function isJobActive(status: Pick<JobStatus, 'state' | 'finishedAt'>): boolean {
  return status.state === 'running' || (status.state === 'cancelled' && status.finishedAt === undefined);
}

/** Rows handled so far as a percentage (0–100) of the rows to run. */
export function progressPercent(status: Pick<JobStatus, 'done' | 'total'>): number {
  if (status.total === 0) return status.done === 0 ? 0 : 100;
  return Math.min(100, (status.done / status.total) * 100);
}

/** results.csv holds something worth downloading once a job has started; partial while it can still go on. */
export function resultsKind(state: JobState): 'final' | 'partial' | null {
  if (state === 'done' || state === 'cancelled') return 'final';
  if (state === 'running' || state === 'paused' || state === 'failed') return 'partial';
  return null;
}
