// Insights (docs/http-api.md, Insights): surveys, a bulk job's effect, activity over time. Every
// role may use them; nothing here writes upstream (src/server/insights/read-only.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { insightsRoutes as routes } from '../../shared/api/contracts/insights';
import { SURVEY_BODY_MAX_BYTES } from '../../shared/api/insights';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole } from '../http/auth';
import { HttpError } from '../http/errors';
import { auditActivity } from '../insights/activity';
import { compareSurveys } from '../insights/compare';
import { jobEffects, MEASURABLE_JOB_STATES, measureJobEffect } from '../insights/effect';
import { surveyCsv } from '../insights/survey-csv';
import { SurveyError } from '../insights/survey-runner';
import { getSurvey } from '../insights/survey-store';
import { getJob } from '../jobs/store';
import { upstreamHttpError } from '../services/upstream-errors';
import { isChatError } from '../chat/errors';

function surveyError(error: unknown): never {
  if (error instanceof SurveyError) throw new HttpError(error.code, error.message);
  throw error;
}

/** Route keys whose JSON bodies may be larger than the usual limit (a survey of 100,000 IDs). */
export const SURVEY_CREATE_ROUTE = `${routes.createSurvey.method} ${routes.createSurvey.path}`;

export const insightsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  // Built, resumed and stopped by its plugin (plugins/runners.ts).
  const runner = app.surveys;

  registerRoute(
    app,
    routes.createSurvey,
    { onRequest: requireRole('viewer'), bodyLimit: SURVEY_BODY_MAX_BYTES },
    async (request, reply) => {
      try {
        const status = await runner.create(request.body, request.staff!.username);
        return await reply.code(201).send({ surveyId: status.surveyId, state: status.state, users: status.users });
      } catch (error) {
        return surveyError(error);
      }
    },
  );

  registerRoute(app, routes.surveys, { onRequest: requireRole('viewer') }, async (request) => ({
    surveys: await runner.list(request.query.limit),
  }));

  registerRoute(
    app,
    routes.compare,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const { a, b } = request.query;
      for (const id of [a, b]) {
        const survey = await getSurvey(deps.store.read, id);
        if (!survey) throw new HttpError('NOT_FOUND', 'There is no such survey.');
        if (survey.state !== 'done') throw new HttpError('CONFLICT', 'Only finished surveys can be compared.');
      }
      return compareSurveys(deps.store.read, a, b);
    },
  );

  registerRoute(app, routes.survey, { onRequest: requireRole('viewer') }, async (request) => {
    const status = await runner.status(request.params.id);
    if (!status) throw new HttpError('NOT_FOUND', 'There is no such survey.');
    return status;
  });

  registerRoute(
    app,
    routes.surveyCsv,
    { onRequest: requireRole('viewer') },
    async (request, reply) => {
      const survey = await getSurvey(deps.store.read, request.params.id);
      if (!survey) throw new HttpError('NOT_FOUND', 'There is no such survey.');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="markdesk-survey-${survey.id}-users.csv"`)
        .send(Readable.from(surveyCsv(deps.store.read, survey.id, request.query.values === '1')));
    },
  );

  for (const [action, route] of [
    ['pause', routes.pauseSurvey],
    ['resume', routes.resumeSurvey],
    ['cancel', routes.cancelSurvey],
  ] as const) {
    registerRoute(
      app,
      route,
      { onRequest: requireRole('viewer') },
      async (request) => {
        try {
          return await runner[action](request.params.id);
        } catch (error) {
          return surveyError(error);
        }
      },
    );
  }

  registerRoute(
    app,
    routes.measureEffect,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const job = await getJob(deps.store.read, request.params.id);
      if (!job) throw new HttpError('NOT_FOUND', 'There is no such job.');
      if (!MEASURABLE_JOB_STATES.has(job.state)) throw new HttpError('CONFLICT', 'A job’s effect can be measured once it has finished.');
      try {
        const effect = await measureJobEffect(deps, job.id);
        request.log.info({ event: 'job_effect_measured', job: job.id, rows: effect.rows }, 'bulk job effect measured');
        return effect;
      } catch (error) {
        if (isChatError(error)) throw upstreamHttpError(error);
        throw error;
      }
    },
  );

  registerRoute(
    app,
    routes.effects,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const job = await getJob(deps.store.read, request.params.id);
      if (!job) throw new HttpError('NOT_FOUND', 'There is no such job.');
      return { jobId: job.id, measurements: await jobEffects(deps.store.read, job.id) };
    },
  );

  registerRoute(
    app,
    routes.activity,
    { onRequest: requireRole('viewer') },
    async (request) => auditActivity(deps.store.read, request.query.from, request.query.to),
  );
};
