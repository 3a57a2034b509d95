import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { labelsResponseSchema, putLabelsRequestSchema } from '../../shared/api/labels';
import type { AppDeps } from '../deps';
import { requireRole } from '../http/auth';
import { HttpError } from '../http/errors';
import { recordAdminActivity, seenFrom } from '../store/admin-activity';
import { LabelError, getLabels, replaceLabels } from '../store/labels';

export const labelRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get('/api/mark-labels', { onRequest: requireRole('viewer'), schema: { response: { 200: labelsResponseSchema } } }, async () => ({
    labels: getLabels(deps.store),
  }));

  app.put(
    '/api/mark-labels',
    { onRequest: requireRole('admin'), schema: { body: putLabelsRequestSchema, response: { 200: labelsResponseSchema } } },
    async (request) => {
      try {
        const labels = await replaceLabels(deps.store, request.body.labels as Record<string, { name: string; description: string }>);
        request.log.info({ event: 'sensitive_update', staff: request.staff!.username, what: 'mark-labels' }, 'labels replaced');
        await recordAdminActivity(deps.store, { staff: request.staff!.username, action: 'labels_changed', target: 'mark-labels', ...seenFrom(request), details: { labels: Object.keys(labels).length } }, deps.clock);
        return { labels };
      } catch (error) {
        if (error instanceof LabelError) throw new HttpError('VALIDATION_FAILED', error.message, { details: { ...error.details } });
        throw error;
      }
    },
  );
};
