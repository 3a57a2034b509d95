import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { chatUserRoutes as routes } from '../../shared/api/contracts/chat-users';
import { MARK_RESULT_STATUSES, markChangeOfItem } from '../../shared/api/marks';
import { accountCheck } from '../chat/helpers';
import { countSkipped, createOddRows, type OddRows } from '../chat/rows';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole } from '../http/auth';
import { HttpError } from '../http/errors';
import { NameCache, loadConversations } from '../services/conversations';
import { attributeLastChanges } from '../services/last-change';
import { writeMarks } from '../services/mark-writer';
import { upstreamHttpError } from '../services/upstream-errors';

async function isImported(deps: AppDeps, userId: string): Promise<boolean> {
  try {
    const [result] = await accountCheck(deps.chat, [userId]);
    return result?.imported ?? false;
  } catch (error) {
    throw upstreamHttpError(error);
  }
}

/** Once per request, with conversation keys and reasons only: nothing else of the user's data. */
function logOddRows(request: FastifyRequest, userId: string, odd: OddRows): void {
  if (odd.skipped.size === 0 && odd.doubtful.size === 0) return;
  const doubtful = [...odd.doubtful].slice(0, 20).map(([conversation, warnings]) => ({ conversation, warnings }));
  request.log.warn(
    { event: 'upstream_odd_rows', chatUser: userId, skipped: countSkipped(odd), skippedReasons: Object.fromEntries(odd.skipped), doubtfulCount: odd.doubtful.size, doubtful },
    'some conversation rows from Chat were odd: left out or listed with a warning',
  );
}

const notImported = (userId: string) =>
  new HttpError('CHAT_USER_NOT_FOUND', `The Chat user "${userId}" has not been imported into Chat. Check the ID.`);

/**
 * A mark request may carry 1,000 items, each with an ID of up to 48 bytes, up to
 * 36 bits per list and two custom marks of up to 256 bytes (JSON-escaped, up to six times that):
 * far more than the 64 KB every other JSON route takes.
 */
export const MARK_REQUEST_BODY_LIMIT = 4 * 1024 * 1024;

export const chatUserRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const names = new NameCache(deps.clock);

  registerRoute(
    app,
    routes.get,
    { onRequest: requireRole('viewer') },
    async (request) => ({ userId: request.params.userId, imported: await isImported(deps, request.params.userId) }),
  );

  registerRoute(
    app,
    routes.conversations,
    { onRequest: requireRole('viewer') },
    async (request) => {
      const { userId } = request.params;
      if (!(await isImported(deps, userId))) throw notImported(userId);
      const odd = createOddRows();
      try {
        const loaded = await loadConversations(deps.chat, names, userId, odd);
        await attributeLastChanges(deps.store, userId, loaded.conversations);
        return loaded;
      } catch (error) {
        throw upstreamHttpError(error);
      } finally {
        logOddRows(request, userId, odd);
      }
    },
  );

  // The latency-critical save: the contract's schemas are the only validation and serialisation.
  registerRoute(
    app,
    routes.saveMarks,
    { onRequest: requireRole('editor'), bodyLimit: MARK_REQUEST_BODY_LIMIT },
    async (request) => {
      const { userId } = request.params;
      const staff = request.staff!.username;
      const results = await writeMarks(
        deps,
        { staff, chatUser: userId, requestId: request.id, ...(request.body.reason ? { reason: request.body.reason } : {}) },
        request.body.items.map((item) => ({
          conversation: item.conversation,
          change: markChangeOfItem(item),
          ...(item.expectedCustomMark !== undefined ? { expectedCustomMark: item.expectedCustomMark } : {}),
        })),
        (error) => request.log.error({ event: 'audit_outcome_not_recorded', chatUser: userId, err: error }, 'the outcome of a save was not recorded; reconcile will settle it from Chat'),
      ).catch((error: unknown) => {
        // The same sentence as the reads give, naming the ID the person typed.
        if (error instanceof HttpError && error.code === 'CHAT_USER_NOT_FOUND') throw notImported(userId);
        throw error;
      });
      const counts = Object.fromEntries(MARK_RESULT_STATUSES.map((s) => [s, results.filter((r) => r.status === s).length]));
      request.log.info({ event: 'sensitive_update', staff, chatUser: userId, items: results.length, ...counts }, 'conversation marks changed');
      return { results };
    },
  );
};
