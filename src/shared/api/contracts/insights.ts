// Insights: surveys over many Chat users, a finished job's effect, activity over time.
import { z } from 'zod/mini';
import { defineRoute, emptyBodySchema, errorResponses, NO_BODY, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS } from '../contract';
import {
  activityQuerySchema,
  activityResponseSchema,
  jobEffectListResponseSchema,
  jobEffectSchema,
  surveyCompareQuerySchema,
  surveyCompareResponseSchema,
  surveyCreatedResponseSchema,
  surveyCreateRequestSchema,
  surveyCsvQuerySchema,
  surveyIdParamsSchema,
  surveyListResponseSchema,
  surveyStatusSchema,
} from '../insights';
import { jobIdParamsSchema } from '../jobs';

export const surveyListQuerySchema = z.strictObject({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(200)), 50) });

export const SURVEY_ACTIONS = ['pause', 'resume', 'cancel'] as const;
export type SurveyAction = (typeof SURVEY_ACTIONS)[number];

function surveyControlRoute<const Action extends SurveyAction>(action: Action) {
  return defineRoute({
    method: 'POST',
    path: `/api/surveys/:id/${action}`,
    summary: `${action[0]!.toUpperCase()}${action.slice(1)} a survey`,
    params: surveyIdParamsSchema,
    body: emptyBodySchema,
    responses: { 200: surveyStatusSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404, 409) },
  });
}

export const insightsRoutes = {
  createSurvey: defineRoute({
    method: 'POST',
    path: '/api/surveys',
    summary: 'Start a survey of many Chat users (read only)',
    body: surveyCreateRequestSchema,
    responses: { 201: surveyCreatedResponseSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(409) },
  }),
  surveys: defineRoute({
    method: 'GET',
    path: '/api/surveys',
    summary: 'Recent surveys, newest first',
    query: surveyListQuerySchema,
    responses: { 200: surveyListResponseSchema, ...SIGNED_IN_ERRORS },
  }),
  compare: defineRoute({
    method: 'GET',
    path: '/api/surveys/compare',
    summary: 'Compare two finished surveys user by user',
    query: surveyCompareQuerySchema,
    responses: { 200: surveyCompareResponseSchema, ...SIGNED_IN_ERRORS, ...errorResponses(404, 409) },
  }),
  survey: defineRoute({
    method: 'GET',
    path: '/api/surveys/:id',
    summary: "A survey's state and results",
    params: surveyIdParamsSchema,
    responses: { 200: surveyStatusSchema, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  surveyCsv: defineRoute({
    method: 'GET',
    path: '/api/surveys/:id/users.csv',
    summary: "A survey's result per user, as CSV",
    params: surveyIdParamsSchema,
    query: surveyCsvQuerySchema,
    produces: ['text/csv'],
    responses: { 200: NO_BODY, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  pauseSurvey: surveyControlRoute('pause'),
  resumeSurvey: surveyControlRoute('resume'),
  cancelSurvey: surveyControlRoute('cancel'),
  measureEffect: defineRoute({
    method: 'POST',
    path: '/api/jobs/:id/effect',
    summary: "Read a finished job's applied lines again and compare them with what it wrote",
    params: jobIdParamsSchema,
    body: emptyBodySchema,
    responses: { 200: jobEffectSchema, ...SIGNED_IN_WRITE_ERRORS, ...errorResponses(404, 409, 429, 502, 503) },
  }),
  effects: defineRoute({
    method: 'GET',
    path: '/api/jobs/:id/effect',
    summary: "Every measurement of a job's effect",
    params: jobIdParamsSchema,
    responses: { 200: jobEffectListResponseSchema, ...SIGNED_IN_ERRORS, ...errorResponses(404) },
  }),
  activity: defineRoute({
    method: 'GET',
    path: '/api/audit/activity',
    summary: 'Mark changes per UTC day: interactive saves, Undos and bulk jobs',
    query: activityQuerySchema,
    responses: { 200: activityResponseSchema, ...SIGNED_IN_ERRORS },
  }),
} as const;
