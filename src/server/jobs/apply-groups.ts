// The groups_add / groups_remove columns of a bulk job, applied once its run has taken every line and
// before the job is recorded done (execution.ts), so that a crash in between leaves them to the next
// run: the lines whose mark write is done (applied or unchanged) are gathered per Chat user and group,
// and each group gets one change through the group write service (services/group-writer.ts) —
// audited and undoable like any other group change, with the request id job:{id}:groups.
import { bulkJobReason } from '../../shared/api/job-reason';
import { sql } from 'kysely';
import type { Conversation } from '../../shared/marks/conversation';
import type { ChatClient } from '../chat/client';
import { changeMembersByName } from '../services/group-writer';
import type { Store } from '../store/database';
import { rowGroups } from './csv-groups';
import type { JobLog } from './execution';
import { type Clock } from '../clock';

export type JobGroupsReport = { changes: number; failed: number };

/** Applies the job's group columns; a job without them costs one indexed query. */
export async function applyJobGroups(deps: { store: Store; chat: Pick<ChatClient, 'call'>; clock: Clock; log: JobLog }, jobId: string): Promise<JobGroupsReport> {
  const report: JobGroupsReport = { changes: 0, failed: 0 };
  const job = await deps.store.read.selectFrom('jobs').select(['state', 'created_by']).where('id', '=', jobId).executeTakeFirst();
  if (job?.state !== 'running') return report;
  const lines = await deps.store.read
    .selectFrom('job_rows')
    .select(['line', 'chat_user', 'conversation_type', 'conversation_id', 'input_json'])
    .where('job_id', '=', jobId)
    .where('status', 'in', ['applied', 'unchanged'])
    .where(deps.store.location.dialect === 'postgres' ? sql<number>`json_array_length(input_json::json)` : sql<number>`json_array_length(input_json)`, '>', 8)
    .orderBy('line')
    // Applied and unchanged lines are valid ones: their chat user and conversation are set.
    .$narrowType<{ chat_user: string; conversation_type: Conversation['type']; conversation_id: string }>()
    .execute();
  // chat user → "add"/"remove" → group name → conversations, in line order.
  const plan = new Map<string, Map<'add' | 'remove', Map<string, Conversation[]>>>();
  for (const line of lines) {
    const groups = rowGroups(JSON.parse(line.input_json) as string[]);
    if (!groups) continue;
    const byAction = plan.get(line.chat_user) ?? new Map<'add' | 'remove', Map<string, Conversation[]>>();
    plan.set(line.chat_user, byAction);
    for (const action of ['add', 'remove'] as const) {
      for (const name of groups[action]) {
        const byName = byAction.get(action) ?? new Map<string, Conversation[]>();
        byAction.set(action, byName);
        byName.set(name, [...(byName.get(name) ?? []), { type: line.conversation_type, id: line.conversation_id }]);
      }
    }
  }
  for (const [chatUser, byAction] of plan) {
    for (const action of ['add', 'remove'] as const) {
      for (const [name, conversations] of byAction.get(action) ?? []) {
        const context = { staff: job.created_by, chatUser, requestId: `job:${jobId}:groups`, reason: bulkJobReason(jobId) };
        try {
          const entry = await changeMembersByName(deps, context, name, action, conversations);
          if (entry) report.changes++;
          if (entry && entry.status !== 'applied' && entry.status !== 'unchanged') report.failed++;
        } catch (error) {
          report.failed++;
          deps.log.warn({ err: error, job: jobId, chatUser, group: name }, 'bulk job: a group change could not be made');
        }
      }
    }
  }
  if (report.changes > 0) deps.log.info({ event: 'job_groups_applied', job: jobId, ...report }, 'bulk job: group columns applied');
  return report;
}
