// A bulk job's states as one table: for each action, the states it may be taken from and the state
// it leads to. Every change of a job's state goes through it (the runner's controls, its own end of
// a run), applied with a compare-and-set in the database, so two people pausing and cancelling at
// once cannot both win.
import type { JobTableState, Tx } from '../store/database';
import type { LeaseFence } from './leases';
import { transitionJob, transitionJobInTransaction, type JobChanges } from './store';

export const JOB_TRANSITIONS = {
  start: { from: ['checked'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  /** Goes on with a paused job, or tries a failed one again. */
  resume: { from: ['paused', 'failed'], to: 'running' },
  cancel: { from: ['checked', 'running', 'paused', 'failed'], to: 'cancelled' },
  /** The run took every line. */
  finish: { from: ['running'], to: 'done' },
  /** The run stopped for a reason someone has to fix. */
  fail: { from: ['running'], to: 'failed' },
} as const satisfies Record<string, { from: readonly JobTableState[]; to: JobTableState }>;

export type JobAction = keyof typeof JOB_TRANSITIONS;

export function allows(action: JobAction, state: JobTableState): boolean {
  return (JOB_TRANSITIONS[action].from as readonly JobTableState[]).includes(state);
}

/** "paused or failed": the states an action may be taken from, for a sentence. */
export function allowedStates(action: JobAction): string {
  const from: readonly string[] = JOB_TRANSITIONS[action].from;
  return from.length === 1 ? from[0]! : `${from.slice(0, -1).join(', ')} or ${from[from.length - 1]}`;
}

/**
 * Takes the action if the job is in a state it allows; false when it was not (someone else moved
 * it). With a fence (a run ending its job: finish, fail), only while the run still holds the lease.
 */
export function transition(store: Parameters<typeof transitionJob>[0], jobId: string, action: JobAction, changes: JobChanges = {}, fence?: LeaseFence): Promise<boolean> {
  const { from, to } = JOB_TRANSITIONS[action];
  return transitionJob(store, jobId, from, to, changes, fence);
}

/** transition in the caller's transaction (a control that also takes the job's lease). */
export function transitionInTransaction(tx: Tx, jobId: string, action: JobAction, changes: JobChanges = {}): Promise<boolean> {
  const { from, to } = JOB_TRANSITIONS[action];
  return transitionJobInTransaction(tx, jobId, from, to, changes);
}
