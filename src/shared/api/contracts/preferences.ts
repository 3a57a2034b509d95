// Each person's own preferences (the interface language).
import { defineRoute, SIGNED_IN_ERRORS, SIGNED_IN_WRITE_ERRORS } from '../contract';
import { preferencesSchema, preferencesUpdateSchema } from '../preferences';

export const preferenceRoutes = {
  get: defineRoute({ method: 'GET', path: '/api/preferences', summary: 'Your preferences', responses: { 200: preferencesSchema, ...SIGNED_IN_ERRORS } }),
  put: defineRoute({
    method: 'PUT',
    path: '/api/preferences',
    summary: 'Change your preferences',
    body: preferencesUpdateSchema,
    responses: { 200: preferencesSchema, ...SIGNED_IN_WRITE_ERRORS },
  }),
} as const;
