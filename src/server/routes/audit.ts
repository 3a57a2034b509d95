import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { roleAtLeast } from '../../shared/api/session';
import type { AuditEntry, AuditQuery, RequestUndoItem } from '../../shared/api/audit';
import { auditRoutes as routes } from '../../shared/api/contracts/audit';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole, requireStepUp } from '../http/auth';
import { HttpError } from '../http/errors';
import { revertEntry, revertedBy, type RevertResult } from '../services/revert';
import { upstreamHttpError } from '../services/upstream-errors';
import { createVerifyRunner } from '../services/audit-verify-runner';
import { AdminActivityError, adminActivityCsv, queryAdminActivity, recordAdminActivity, type AdminActivityFilter } from '../store/admin-activity';
import { MARK_REQUEST_MAX_ITEMS } from '../../shared/api/marks';
import { AuditError } from '../store/audit';
import { auditCsv } from '../store/audit-csv';
import { getAuditEntry, queryAudit, requestAuditEntries, type AuditEntryView, type AuditFilter } from '../store/audit-query';
import { reachesHead } from '../store/audit-verify';
import type { FastifyRequest } from 'fastify';
import { revertGroupEntry } from '../services/group-revert';
import { getGroupAuditEntry } from '../store/group-audit';
import { groupRevertAnswer } from './group-revert-answer';

function filterOf(query: AuditQuery): Omit<AuditFilter, 'limit' | 'cursor'> {
  return {
    ...(query.chatUser ? { chatUser: query.chatUser } : {}),
    ...(query.conversationType ? { conversationType: query.conversationType } : {}),
    ...(query.conversationId ? { conversationId: query.conversationId } : {}),
    ...(query.staff ? { staff: query.staff } : {}),
    ...(query.status ? { status: query.status } : {}),
    ...(query.match ? { match: query.match } : {}),
    ...(query.reason ? { reasonSearch: query.reason } : {}),
    ...(query.jobId ? { jobId: query.jobId } : {}),
    ...(query.requestId ? { requestId: query.requestId } : {}),
    ...(query.entryId ? { entryId: query.entryId } : {}),
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  };
}

function adminFilterOf(query: AuditQuery): Omit<AdminActivityFilter, 'limit' | 'cursor'> {
  return {
    ...(query.staff ? { staff: query.staff } : {}),
    ...(query.action ? { action: query.action } : {}),
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  };
}

/** Admin activity is for admins only: the mark history is open to every role. */
function requireAdminFor(query: AuditQuery, request: FastifyRequest): boolean {
  if (query.kind !== 'admin') return false;
  const staff = request.staff!;
  if (!roleAtLeast(staff.role, 'admin')) {
    request.log.warn({ event: 'authz_fail', staff: staff.username, role: staff.role, needed: 'admin', route: request.routeOptions.url }, 'role too low');
    throw new HttpError('FORBIDDEN', `Admin activity needs the admin role; you are signed in as ${staff.role}.`);
  }
  return true;
}

function requestUndoItem(entry: AuditEntryView, outcome: RevertResult): RequestUndoItem {
  const base = { entryId: entry.id, conversation: entry.conversation };
  switch (outcome.status) {
    case 'applied':
      return { ...base, status: 'undone', undoEntryId: outcome.auditId };
    case 'already-undone':
      return { ...base, status: 'already-undone', undoEntryId: outcome.revertedBy };
    case 'moved-on':
      return { ...base, status: 'conflict', current: outcome.current };
    case 'not-undoable':
      return { ...base, status: 'not-undoable', entryStatus: outcome.entryStatus };
    case 'not-found':
      return { ...base, status: 'not-undoable', entryStatus: 'unknown' };
    case 'failed':
      return { ...base, status: 'failed', message: outcome.result.message, ...(outcome.result.upstreamCode !== undefined ? { upstreamCode: outcome.result.upstreamCode } : {}) };
  }
}

export const auditRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const verifier = createVerifyRunner(deps.store, deps.auditVerify);

  /** The API view of an entry, with the id of the entry that undid it (so the SPA hides Undo). */
  const present = async (entry: AuditEntryView): Promise<AuditEntry> => {
    const undoneBy = await revertedBy(deps.store.read, entry.id);
    const { completedAt: _completedAt, ...view } = entry;
    return { kind: 'mark', ...view, ...(undoneBy ? { revertedBy: undoneBy } : {}) };
  };

  registerRoute(
    app,
    routes.list,
    { onRequest: requireRole('viewer') },
    async (request) => {
      try {
        if (requireAdminFor(request.query, request)) {
          return await queryAdminActivity(deps.store.read, {
            ...adminFilterOf(request.query),
            limit: request.query.limit,
            ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
          });
        }
        const page = await queryAudit(deps.store.read, {
          ...filterOf(request.query),
          limit: request.query.limit,
          ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
        });
        return { entries: await Promise.all(page.entries.map(present)), nextCursor: page.nextCursor };
      } catch (error) {
        if (error instanceof AuditError || error instanceof AdminActivityError) throw new HttpError('VALIDATION_FAILED', 'The cursor is not valid; start again from the first page.');
        throw error;
      }
    },
  );

  registerRoute(
    app,
    routes.export,
    { onRequest: requireRole('viewer') },
    async (request, reply) => {
      const admin = requireAdminFor(request.query, request);
      const stamp = new Date(deps.clock.now()).toISOString().slice(0, 19).replace(/[:T]/g, '-');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="markdesk-${admin ? 'admin-activity' : 'audit'}-${stamp}.csv"`)
        .send(Readable.from(admin ? adminActivityCsv(deps.store.read, adminFilterOf(request.query)) : auditCsv(deps.store.read, filterOf(request.query))));
    },
  );

  // The check walks the whole log in time-budgeted slices (other requests are answered between
  // them); callers arriving while it runs share it. With expectHead it also says whether the log
  // still reaches a head logged earlier (an audit_head line), which no edit inside the file can fake.
  registerRoute(
    app,
    routes.verify,
    { onRequest: [requireRole('admin'), requireStepUp(deps)] },
    async (request) => {
      const { verdict: running, started } = verifier.run();
      const verdict = await running;
      const expectHead = request.query.expectHead;
      const truncated = expectHead === undefined ? undefined : !(await reachesHead(deps.store.read, expectHead));
      if (started) {
        await recordAdminActivity(
          deps.store,
          {
            staff: request.staff!.username,
            action: 'chain_verified',
            ip: request.ip,
            userAgent: request.headers['user-agent'] ?? '',
            details: {
              ok: verdict.ok && truncated !== true,
              checked: verdict.checked,
              problems: verdict.breakCount,
              repaired: verdict.repaired,
              ...(truncated === undefined ? {} : { truncated }),
            },
          },
          deps.clock,
        );
      }
      const brokenAt = verdict.brokenAt ?? (truncated ? 'end-of-log' : undefined);
      return {
        ok: verdict.ok && truncated !== true,
        checked: verdict.checked,
        ...(brokenAt ? { brokenAt } : {}),
        ...(truncated === undefined ? {} : { truncated }),
        breaks: verdict.breaks.map(({ at, problem }) => ({ at, problem })),
        breakCount: verdict.breakCount,
        repaired: verdict.repaired,
        head: verdict.head,
      };
    },
  );

  registerRoute(app, routes.verifyProgress, { onRequest: requireRole('admin') }, async () =>
    verifier.progress(),
  );

  // No body at all is the usual request (Fastify then hands over null). A 409's details are
  // checked against the contract's revertConflictErrorDetailsSchema on the way out.
  registerRoute(
    app,
    routes.revert,
    { onRequest: requireRole('editor') },
    async (request, reply) => {
      const staff = request.staff!.username;
      const reason = request.body?.reason;
      // A conversation group change is undone by its own inverse (services/group-revert.ts).
      const groupEntry = await getGroupAuditEntry(deps.store.read, request.params.id);
      if (groupEntry) {
        const undone = await revertGroupEntry(deps, { staff, requestId: request.id, ...(reason ? { reason } : {}) }, groupEntry).catch((error: unknown) => {
          throw upstreamHttpError(error);
        });
        return reply.code(201).send(await groupRevertAnswer(deps.store, undone, request.log, staff, request.params.id));
      }
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
      const entry = (await getAuditEntry(deps.store.read, outcome.auditId))!;
      request.log.info({ event: 'sensitive_update', staff: request.staff!.username, chatUser: entry.chatUser, revertOf: request.params.id }, 'change undone');
      return reply.code(201).send(await present(entry));
    },
  );

  // Undo request: every applied entry of one request, each through the guarded Undo above (its own
  // lock, "already undone?" and "still as the entry left it?" checks), newest first. An entry that
  // cannot be undone is reported beside the ones that were; the answer is 200 either way.
  registerRoute(
    app,
    routes.revertRequest,
    { onRequest: requireRole('editor') },
    async (request) => {
      const staff = request.staff!.username;
      const reason = request.body?.reason;
      const { entries, more } = await requestAuditEntries(deps.store.read, request.params.requestId);
      if (entries.length === 0) throw new HttpError('NOT_FOUND', 'No audit entry carries this request ID.');
      if (more) throw new HttpError('VALIDATION_FAILED', `This request has more than ${MARK_REQUEST_MAX_ITEMS} entries; undo them one by one or roll back the bulk job.`);
      const items: RequestUndoItem[] = [];
      for (const entry of entries) {
        try {
          items.push(requestUndoItem(entry, await revertEntry(deps, { staff, requestId: request.id, ...(reason ? { reason } : {}) }, entry.id)));
        } catch (error) {
          // A Chat failure on one entry (reading its state) is that entry's outcome; the rest go on.
          const failure = upstreamHttpError(error);
          const upstreamCode = failure.extra.upstreamCode;
          items.push({ entryId: entry.id, conversation: entry.conversation, status: 'failed', message: failure.message, ...(upstreamCode !== undefined ? { upstreamCode } : {}) });
        }
      }
      const undone = items.filter((item) => item.status === 'undone').length;
      const problems = items.filter((item) => item.status === 'conflict' || item.status === 'failed').length;
      request.log.info({ event: 'sensitive_update', staff, requestUndone: request.params.requestId, undone, problems }, 'request undone');
      return { requestId: request.id, undone, problems, items };
    },
  );
};
