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
import { JobControlError, type JobRunner } from '../jobs/runner';
import { getJob, type JobRecord } from '../jobs/store';
import { storeCheckedJob } from '../jobs/upload-store';
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
