// Bulk jobs: upload a CSV, check it, then start/pause/resume/cancel it and watch it
// by polling GET /api/jobs/:id (the SPA polls about once a second while a job runs).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { JOB_ACTIONS, jobRoutes as routes } from '../../shared/api/contracts/jobs';
import { JOB_UPLOAD_MAX_BYTES } from '../../shared/api/jobs';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole } from '../http/auth';
import { HttpError } from '../http/errors';
import { bitNamesFrom, JobFileError, readJobCsv, tooLarge } from '../jobs/csv';
import { JobControlError } from '../jobs/runner';
import { jobResultsCsv } from '../jobs/reports';
import { getJob } from '../jobs/store';
import { storeCheckedJob } from '../jobs/upload-store';
import { getLabels } from '../store/labels';
import { checkImpactQuietly, registerJobFollowUps } from './job-follow-ups';

/** The one route whose body is CSV, not JSON (for the CSRF rule's content-type check). */
export const JOB_UPLOAD_ROUTE = `${routes.upload.method} ${routes.upload.path}`;

function controlError(error: unknown): never {
  if (error instanceof JobControlError) throw new HttpError(error.code, error.message);
  throw error;
}

function fileError(error: JobFileError): HttpError {
  if (error.problem === 'TOO_LARGE' || error.problem === 'TOO_MANY_ROWS') return new HttpError('PAYLOAD_TOO_LARGE', error.message);
  if (error.problem === 'NOT_UTF8') return new HttpError('VALIDATION_FAILED', error.message, { details: { file: [error.message] } });
  return new HttpError('VALIDATION_FAILED', error.message, { details: { [error.line === undefined ? 'file' : `line.${error.line}`]: [error.message] } });
}

async function upload(deps: AppDeps, request: FastifyRequest, reply: FastifyReply) {
  try {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'text/csv') throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as CSV (Content-Type: text/csv).');
    if (Number(request.headers['content-length'] ?? 0) > JOB_UPLOAD_MAX_BYTES) throw fileError(tooLarge(JOB_UPLOAD_MAX_BYTES));
    const body = request.body instanceof Readable ? request.body : Readable.from([]);
    const checked = await storeCheckedJob(
      deps.store,
      { createdBy: request.staff!.username, clock: deps.clock },
      readJobCsv(body, { names: bitNamesFrom(await getLabels(deps.store.read)) }),
    );
    // Then what the valid rows would do to the conversations as they are now, read from Chat.
    const impact = await checkImpactQuietly(deps, checked.jobId, request.log);
    request.log.info({ event: 'job_checked', job: checked.jobId, rows: checked.rows, valid: checked.valid }, 'bulk job file checked');
    return await reply.code(201).send({ ...checked, ...impact });
  } catch (error) {
    // What is left of a refused upload is not read: the connection closes after the answer.
    if (!request.raw.complete) void reply.header('connection', 'close');
    if (!(error instanceof JobFileError)) throw error;
    request.log.info({ event: 'input_validation_fail', route: JOB_UPLOAD_ROUTE, problem: error.problem }, 'bulk job file refused');
    throw fileError(error);
  }
}

export const jobRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  // Built, stopped and closed by its plugin (plugins/runners.ts).
  const runner = app.jobs;

  // Scoped to this plugin: the upload reads its body itself, as a stream, under its own limit.
  // Any other type reaches the handler too, which answers 415 with the right sentence.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  registerRoute(
    app,
    routes.upload,
    { onRequest: requireRole('editor') },
    async (request, reply) => {
      // A job is on its way: the ledger's thread starts while the file is read, not at Start.
      runner.warm();
      return upload(deps, request, reply);
    },
  );

  registerRoute(
    app,
    routes.list,
    { onRequest: requireRole('viewer') },
    async (request) => ({ jobs: await runner.list(request.query.limit) }),
  );

  registerRoute(
    app,
    routes.get,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const status = await runner.status(request.params.id);
      if (!status) throw new HttpError('NOT_FOUND', 'There is no such job.');
      return status;
    },
  );

  registerRoute(
    app,
    routes.results,
    { onRequest: requireRole('viewer') },
    async (request, reply) => {
      const job = await getJob(deps.store.read, request.params.id);
      if (!job) throw new HttpError('NOT_FOUND', 'There is no such job.');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="markdesk-job-${job.id}-results.csv"`)
        .send(Readable.from(jobResultsCsv(deps.store.read, job.id)));
    },
  );

  // Control requests carry no body, or an empty JSON object.
  const control = (action: (typeof JOB_ACTIONS)[number]) =>
    registerRoute(
      app,
      routes[action],
      { onRequest: requireRole('editor') },
      async (request) => {
        const { id } = request.params;
        try {
          return action === 'start' ? await runner.start(id, request.staff!.username) : await runner[action](id);
        } catch (error) {
          return controlError(error);
        }
      },
    );
  for (const action of JOB_ACTIONS) control(action);
  registerJobFollowUps(app, deps, runner);
};
