import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { labelRoutes as routes } from '../../shared/api/contracts/labels';
import type { LabelsConflictDetails } from '../../shared/api/labels';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole, requireStepUp } from '../http/auth';
import { HttpError } from '../http/errors';
import { parseIfMatch } from '../http/preconditions';
import { appendAdminActivity, seenFrom } from '../store/admin-activity';
import { LabelError, getLabelsVersion, saveLabels, type LabelsVersion } from '../store/labels';

const view = (current: LabelsVersion) => ({ labels: current.labels, updatedBy: current.updatedBy, updatedAt: current.updatedAt });

function conflictMessage(current: LabelsVersion): string {
  const who = current.updatedBy === null ? 'Someone' : current.updatedBy;
  return `${who} changed the labels after you loaded them, so nothing was saved; load them again, check the changes and save again.`;
}

// Two admins editing the labels at once must not overwrite each other without knowing: every read
// carries the version's ETag and every save must name it in If-Match. `If-Match: *` is accepted as
// "replace whatever is there now", for scripts that mean exactly that; the console always sends the
// tag it loaded.
export const labelRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  registerRoute(app, routes.get, { onRequest: requireRole('viewer') }, async (_request, reply) => {
    const current = await getLabelsVersion(deps.store);
    reply.header('etag', current.etag);
    return view(current);
  });

  registerRoute(
    app,
    routes.put,
    { onRequest: [requireRole('admin'), requireStepUp(deps)] },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      if (ifMatch.kind === 'absent') {
        throw new HttpError(
          'PRECONDITION_REQUIRED',
          'This save does not say which version of the labels it changes (send the ETag you loaded in If-Match); load the labels again and save.',
        );
      }
      const staff = request.staff!.username;
      const at = new Date(deps.clock.now());
      let result;
      try {
        result = await saveLabels(deps.store, request.body.labels as Record<string, { name: string; description: string }>, {
          expected: ifMatch.kind === 'any' ? '*' : ifMatch.tags,
          by: staff,
          at,
          // Recorded in the save's own transaction: a save is never left without its entry.
          alsoInTransaction: (tx, saved) =>
            appendAdminActivity(
              tx,
              deps.store.auditKey,
              { staff, action: 'labels_changed', target: 'mark-labels', ...seenFrom(request), details: { labels: Object.keys(saved.labels).length, version: saved.version } },
              at,
            ),
        });
      } catch (error) {
        if (error instanceof LabelError) throw new HttpError('VALIDATION_FAILED', error.message, { details: { ...error.details } });
        throw error;
      }
      if (!result.saved) {
        request.log.info({ event: 'labels_conflict', staff, what: 'mark-labels' }, 'labels changed since the save was based on them');
        const details: LabelsConflictDetails = { ...view(result.current), etag: result.current.etag };
        throw new HttpError('PRECONDITION_FAILED', conflictMessage(result.current), { details });
      }
      request.log.info({ event: 'sensitive_update', staff, what: 'mark-labels', version: result.current.version }, 'labels replaced');
      reply.header('etag', result.current.etag);
      return view(result.current);
    },
  );
};
