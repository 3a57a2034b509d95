import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import {
  auditIdParamsSchema,
  auditListResponseSchema,
  auditQuerySchema,
  auditVerifyResponseSchema,
  revertRequestSchema,
  revertResponseSchema,
  type AuditEntry,
  type AuditQuery,
} from '../../shared/api/audit';
import type { AppDeps } from '../deps';
import { requireRole } from '../http/auth';
import { HttpError } from '../http/errors';
import { revertEntry, revertedBy } from '../services/revert';
import { upstreamHttpError } from '../services/upstream-errors';
import { AuditError, auditCsv, getAuditEntry, queryAudit, verifyAuditChain, type AuditEntryView, type AuditFilter } from '../store/audit';

function filterOf(query: AuditQuery): Omit<AuditFilter, 'limit' | 'cursor'> {
  return {
    ...(query.chatUser ? { chatUser: query.chatUser } : {}),
    ...(query.conversationType ? { conversationType: query.conversationType } : {}),
    ...(query.conversationId ? { conversationId: query.conversationId } : {}),
    ...(query.staff ? { staff: query.staff } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  };
}

export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  /** The API view of an entry, with the id of the entry that undid it (so the SPA hides Undo). */
  const present = (entry: AuditEntryView): AuditEntry => {
    const undoneBy = revertedBy(deps.store, entry.id);
    const { completedAt: _completedAt, ...view } = entry;
    return { ...view, ...(undoneBy ? { revertedBy: undoneBy } : {}) };
  };

  app.get(
    '/api/audit',
    { onRequest: requireRole('viewer'), schema: { querystring: auditQuerySchema, response: { 200: auditListResponseSchema } } },
    async (request) => {
      try {
        const page = queryAudit(deps.store, {
          ...filterOf(request.query),
          limit: request.query.limit,
          ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
        });
        return { entries: page.entries.map(present), nextCursor: page.nextCursor };
      } catch (error) {
        if (error instanceof AuditError) throw new HttpError('VALIDATION_FAILED', 'The cursor is not valid; start again from the first page.');
        throw error;
      }
    },
  );

  app.get(
    '/api/audit/export.csv',
    { onRequest: requireRole('viewer'), schema: { querystring: auditQuerySchema, produces: ['text/csv'] } },
    async (request, reply) => {
      const stamp = deps.clock.now().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="markdesk-audit-${stamp}.csv"`)
        .send(Readable.from(auditCsv(deps.store, filterOf(request.query))));
    },
  );

  app.get('/api/audit/verify', { onRequest: requireRole('admin'), schema: { response: { 200: auditVerifyResponseSchema } } }, async () => {
    const verdict = verifyAuditChain(deps.store);
    return { ok: verdict.ok, checked: verdict.checked, ...(verdict.brokenAt ? { brokenAt: verdict.brokenAt } : {}) };
  });

  app.post(
    '/api/audit/:id/revert',
    {
      onRequest: requireRole('editor'),
      // No body at all is the usual request (Fastify then hands over null).
      schema: { params: auditIdParamsSchema, body: revertRequestSchema.nullish(), response: { 201: revertResponseSchema } },
    },
    async (request, reply) => {
      const staff = request.staff!.username;
      const reason = request.body?.reason;
      const outcome = await revertEntry(deps, { staff, requestId: request.id, ...(reason ? { reason } : {}) }, request.params.id).catch((error: unknown) => {
        throw upstreamHttpError(error);
      });
      switch (outcome.status) {
        case 'not-found':
          throw new HttpError('NOT_FOUND', 'There is no such audit entry.');
        case 'not-undoable':
          throw new HttpError('CONFLICT', `Only an applied change can be undone; this entry is "${outcome.entryStatus}", so it changed nothing.`, {
            details: { status: outcome.entryStatus },
          });
        case 'already-undone':
          throw new HttpError('CONFLICT', 'This change has already been undone.', { details: { revertedBy: outcome.revertedBy } });
        case 'moved-on':
          throw new HttpError('CONFLICT', 'The conversation has changed since this entry; undoing it would overwrite that later change.', {
            details: { current: outcome.current },
          });
        case 'failed': {
          const { message, upstreamCode } = outcome.result;
          throw new HttpError('UPSTREAM_ERROR', message, upstreamCode !== undefined ? { upstreamCode } : {});
        }
        case 'applied':
          break;
      }
      const entry = getAuditEntry(deps.store, outcome.auditId)!;
      request.log.info({ event: 'sensitive_update', staff: request.staff!.username, chatUser: entry.chatUser, revertOf: request.params.id }, 'change undone');
      return reply.code(201).send(present(entry));
    },
  );
};
