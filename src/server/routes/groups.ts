// A Chat user's conversation groups (docs/http-api.md, Conversation groups). Reads for every role;
// changes for editors, each one audited and undoable (POST /api/audit/:id/revert).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { groupRoutes as routes } from '../../shared/api/contracts/groups';
import type { GroupAuditEntry } from '../../shared/api/groups';
import { CONVERSATION_GROUP_CAP, groupProblemMessage } from '../../shared/chat-errors/groups';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole } from '../http/auth';
import { HttpError } from '../http/errors';
import { changeGroupMembers, createGroup, deleteGroup, listGroups, renameGroup, type GroupWriteContext, type GroupWriteOutcome } from '../services/group-writer';
import { upstreamHttpError } from '../services/upstream-errors';
import { GroupAuditCursorError, groupEntryRevertedBy, queryGroupAudit, type GroupEntryView } from '../store/group-audit';

/** The API view of a group entry, with the id of the entry that undid it. */
export async function presentGroupEntry(store: AppDeps['store'], entry: GroupEntryView): Promise<GroupAuditEntry> {
  const { groupId: _groupId, ...view } = entry;
  const undoneBy = await groupEntryRevertedBy(store.read, entry.id);
  return { ...view, ...(undoneBy ? { revertedBy: undoneBy } : {}) };
}

const groupNotFound = () => new HttpError('NOT_FOUND', groupProblemMessage('GROUP_NOT_FOUND', 'en'));

/** Chat errors as the person sees them; the sentence for an unknown user names the ID typed. */
function upstream(userId: string) {
  return (error: unknown): never => {
    const httpError = error instanceof HttpError ? error : upstreamHttpError(error);
    if (httpError.code === 'CHAT_USER_NOT_FOUND') {
      throw new HttpError('CHAT_USER_NOT_FOUND', `The Chat user "${userId}" has not been imported into Chat. Check the ID.`, { upstreamCode: 50001 });
    }
    throw httpError;
  };
}

export const groupRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const contextOf = (request: { staff?: { username: string } | null; id: string }, userId: string, reason?: string): GroupWriteContext => ({
    staff: request.staff!.username,
    chatUser: userId,
    requestId: request.id,
    ...(reason ? { reason } : {}),
  });
  const answer = async (outcome: GroupWriteOutcome, log: { info(o: object, m: string): void }, staff: string) => {
    if (outcome.status === 'not-found') throw groupNotFound();
    const { entry } = outcome;
    log.info({ event: 'sensitive_update', staff, chatUser: entry.chatUser, groupAction: entry.action, status: entry.status }, 'conversation group changed');
    return { change: await presentGroupEntry(deps.store, entry) };
  };

  registerRoute(
    app,
    routes.list,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const { userId } = request.params;
      const groups = await listGroups(deps, userId).catch(upstream(userId));
      return { userId, groups, limit: CONVERSATION_GROUP_CAP };
    },
  );

  registerRoute(
    app,
    routes.changes,
    { onRequest: requireRole('viewer') },
    async (request) => {
      try {
        const page = await queryGroupAudit(deps.store.read, {
          chatUser: request.params.userId,
          limit: request.query.limit,
          ...(request.query.cursor ? { cursor: request.query.cursor } : {}),
        });
        return { entries: await Promise.all(page.entries.map((entry) => presentGroupEntry(deps.store, entry))), nextCursor: page.nextCursor };
      } catch (error) {
        if (error instanceof GroupAuditCursorError) throw new HttpError('VALIDATION_FAILED', 'The cursor is not valid; start again from the first page.');
        throw error;
      }
    },
  );

  registerRoute(
    app,
    routes.create,
    { onRequest: requireRole('editor') },
    async (request) => {
      const { userId } = request.params;
      const { name, conversations, reason } = request.body;
      const outcome = await createGroup(deps, contextOf(request, userId, reason), name, conversations).catch(upstream(userId));
      return answer(outcome, request.log, request.staff!.username);
    },
  );

  registerRoute(
    app,
    routes.rename,
    { onRequest: requireRole('editor') },
    async (request) => {
      const { userId, groupId } = request.params;
      const { name, expectedName, reason } = request.body;
      const outcome = await renameGroup(deps, contextOf(request, userId, reason), groupId, name, expectedName).catch(upstream(userId));
      return answer(outcome, request.log, request.staff!.username);
    },
  );

  // No body is the usual request (Fastify then hands over null).
  registerRoute(
    app,
    routes.delete,
    { onRequest: requireRole('editor') },
    async (request) => {
      const { userId, groupId } = request.params;
      const body = request.body ?? {};
      const outcome = await deleteGroup(deps, contextOf(request, userId, body.reason), groupId, body.expectedName).catch(upstream(userId));
      return answer(outcome, request.log, request.staff!.username);
    },
  );

  registerRoute(
    app,
    routes.members,
    { onRequest: requireRole('editor') },
    async (request) => {
      const { userId, groupId } = request.params;
      const { add = [], remove = [], reason } = request.body;
      const outcome = await changeGroupMembers(deps, contextOf(request, userId, reason), groupId, { add, remove }).catch(upstream(userId));
      if (outcome.status === 'not-found') throw groupNotFound();
      const staff = request.staff!.username;
      for (const entry of outcome.entries) {
        request.log.info({ event: 'sensitive_update', staff, chatUser: userId, groupAction: entry.action, status: entry.status }, 'conversation group changed');
      }
      return { changes: await Promise.all(outcome.entries.map((entry) => presentGroupEntry(deps.store, entry))) };
    },
  );
};
