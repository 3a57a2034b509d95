// What a person does with a checked or finished job besides running it: download the refused lines
// and the lines under each impact kind, read refused and failed lines by reason, roll a finished
// job back, and make a new job of its failed lines.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { jobRoutes as routes } from '../../shared/api/contracts/jobs';
import type { JobImpact } from '../../shared/api/jobs';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole } from '../http/auth';
import { HttpError } from '../http/errors';
import { countRows, retryRows, rollbackRows } from '../jobs/derived';
import { checkJobImpact, jobImpact } from '../jobs/impact';
import { jobImpactCsv, jobInvalidCsv, reasonCounts } from '../jobs/reports';
import { announcedWrites } from '../jobs/line-store';
import { JobControlError, type JobRunner } from '../jobs/runner';
import { getJob, type JobRecord } from '../jobs/store';
import { storeCheckedJob } from '../jobs/upload-store';
import type { Reader } from '../store/database';
import { isUniqueViolation } from '../store/sql';
import { isChatError } from '../chat/errors';

type App = Parameters<FastifyPluginAsyncZod<AppDeps>>[0];

const FINISHED = ['done', 'cancelled', 'failed'];

async function requireJob(deps: AppDeps, jobId: string): Promise<JobRecord> {
  const job = await getJob(deps.store.read, jobId);
  if (!job) throw new HttpError('NOT_FOUND', 'There is no such job.');
  return job;
}

function sendCsv(reply: FastifyReply, filename: string, body: AsyncIterable<string>) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(body));
}

export function registerJobFollowUps(app: App, deps: AppDeps, runner: JobRunner): void {
  registerRoute(
    app,
    routes.invalid,
    { onRequest: requireRole('viewer') },
    async (request, reply) => {
      const job = await requireJob(deps, request.params.id);
      return sendCsv(reply, `markdesk-job-${job.id}-refused.csv`, jobInvalidCsv(deps.store.read, job.id));
    },
  );

  registerRoute(
    app,
    routes.impact,
    { onRequest: requireRole('viewer') },
    async (request, reply) => {
      const job = await requireJob(deps, request.params.id);
      if (!(await jobImpact(deps.store.read, job.id))) throw new HttpError('NOT_FOUND', 'This job was not checked against Chat, so there is no impact list.');
      return sendCsv(reply, `markdesk-job-${job.id}-${request.params.kind}.csv`, jobImpactCsv(deps.store.read, job.id, request.params.kind));
    },
  );

  registerRoute(
    app,
    routes.report,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const job = await requireJob(deps, request.params.id);
      const impact = await jobImpact(deps.store.read, job.id);
      return {
        invalidByReason: await reasonCounts(deps.store.read, job.id, 'invalid'),
        failedByReason: await reasonCounts(deps.store.read, job.id, 'failed'),
        ...(impact ? { impact } : {}),
      };
    },
  );

  registerRoute(
    app,
    routes.rollback,
    { onRequest: requireRole('editor') },
    async (request, reply) => {
      const job = await requireJob(deps, request.params.id);
      const staff = request.staff!.username;
      if (!FINISHED.includes(job.state)) {
        throw new HttpError('CONFLICT', `The job is ${job.state}; only a done, cancelled or failed job can be rolled back.`);
      }
      await requireLinesSettled(deps, job);
      const underWay = () => new HttpError('CONFLICT', 'A rollback of this job is already under way.');
      if ((await countRows(deps.store.read, job.id, 'applied')) === 0) throw new HttpError('CONFLICT', 'The job changed no conversation; there is nothing to roll back.');
      if (await rollbackUnderWay(deps, job.id)) throw underWay();
      // Two clicks at once (on this instance or another) both pass the check above; the database
      // keeps one rollback under way per job (0019_one_rollback_at_a_time) and refuses the second.
      const rollback = await storeCheckedJob(
        deps.store,
        { createdBy: staff, clock: deps.clock, kind: 'rollback', sourceJobId: job.id },
        rollbackRows(deps.store.read, job.id),
      ).catch((error: unknown) => {
        throw isUniqueViolation(error) ? underWay() : error;
      });
      await runner.start(rollback.jobId, staff).catch((error: unknown) => {
        if (error instanceof JobControlError) throw new HttpError(error.code, error.message);
        throw error;
      });
      request.log.info({ event: 'sensitive_update', job: rollback.jobId, of: job.id, staff, rows: rollback.valid }, 'bulk job rollback started');
      return await reply.code(201).send({ jobId: rollback.jobId });
    },
  );

  registerRoute(
    app,
    routes.retryFailed,
    { onRequest: requireRole('editor') },
    async (request, reply) => {
      const job = await requireJob(deps, request.params.id);
      if (!FINISHED.includes(job.state)) throw new HttpError('CONFLICT', `The job is ${job.state}; only the failed rows of a done, cancelled or failed job can be retried.`);
      await requireLinesSettled(deps, job);
      if ((await countRows(deps.store.read, job.id, 'failed')) === 0) throw new HttpError('CONFLICT', 'The job has no failed rows to retry.');
      const retry = await storeCheckedJob(
        deps.store,
        { createdBy: request.staff!.username, clock: deps.clock, kind: 'retry', sourceJobId: job.id },
        retryRows(deps.store.read, job.id),
      );
      await checkImpactQuietly(deps, retry.jobId, request.log);
      request.log.info({ event: 'job_checked', job: retry.jobId, of: job.id, rows: retry.rows }, 'bulk job of failed rows checked');
      return reply.code(201).send({ jobId: retry.jobId, state: 'checked' as const });
    },
  );
}

/**
 * A rollback reads the lines a job applied, a retry those it failed: both only once no line of the
 * job can still change. Two cases where one still can, each answered 409 with what to do:
 * - cancelled with its end not recorded (finishedAt null): a run (here or on another instance)
 *   still settles the lines it had in flight, and finishCancelled then settles the calls left
 *   unanswered — seconds, after which the person asks again;
 * - lines still pending with an announced call (job_writes) — a failed job can stop so: the call
 *   may have landed unseen, and only a run reading Chat (recovery.ts, on resume or cancel) can say.
 *   Settling them here would mean Chat reads and the job's lease in a request; refusing is simpler
 *   and as safe: resume or cancel does it. Announcements whose lines are all settled (a call with
 *   lines tried again keeps its announcement until the job is over) do not count.
 * (A done job, or a cancelled one whose end is recorded, has no pending line left.)
 */
async function requireLinesSettled(deps: AppDeps, job: JobRecord): Promise<void> {
  if (job.state === 'cancelled' && job.finishedAt === null) {
    throw new HttpError('CONFLICT', 'The job is still being cancelled: the rows it had in flight are being recorded. Try again in a few seconds.');
  }
  if (await announcedLinePending(deps.store.read, job.id)) {
    throw new HttpError(
      'CONFLICT',
      'The job stopped with calls to Chat whose outcome is not recorded yet. Resume or cancel the job so that Markdesk records them, then try again.',
    );
  }
}

/** Lines looked up per query: far inside either engine's limit on bound parameters. */
const ANNOUNCED_LINES_PER_QUERY = 500;

/** Whether a line of one of the job's announced calls is still pending. */
async function announcedLinePending(db: Reader, jobId: string): Promise<boolean> {
  const lines = [...new Set((await announcedWrites(db, jobId)).flatMap((write) => write.lines.map(({ line }) => line)))];
  for (let start = 0; start < lines.length; start += ANNOUNCED_LINES_PER_QUERY) {
    const pending = await db
      .selectFrom('job_rows')
      .select('line')
      .where('job_id', '=', jobId)
      .where('status', '=', 'pending')
      .where('line', 'in', lines.slice(start, start + ANNOUNCED_LINES_PER_QUERY))
      .limit(1)
      .executeTakeFirst();
    if (pending) return true;
  }
  return false;
}

async function rollbackUnderWay(deps: AppDeps, jobId: string): Promise<boolean> {
  const rollback = await deps.store.read
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', 'rollback')
    .where('source_job_id', '=', jobId)
    .where('state', 'in', ['uploading', 'checked', 'running', 'paused'])
    .limit(1)
    .executeTakeFirst();
  return rollback !== undefined;
}

/**
 * Checks a job against Chat; when Chat cannot be read, the job stays usable without an impact and
 * the sentence says why. Any other error is a bug and is thrown.
 */
export async function checkImpactQuietly(
  deps: AppDeps,
  jobId: string,
  log: { info: (object: object, message: string) => void },
): Promise<{ impact?: JobImpact; impactMessage?: string }> {
  try {
    return { impact: await checkJobImpact(deps, jobId) };
  } catch (error) {
    if (!isChatError(error)) throw error;
    log.info({ event: 'job_impact_unread', job: jobId, upstreamCode: error.code }, 'bulk job check could not read Chat');
    return { impactMessage: 'Markdesk could not read the current marks from Chat, so what this job would change is not known. You can still start it.' };
  }
}
