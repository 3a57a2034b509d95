import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { staffRoutes as routes } from '../../shared/api/contracts/staff';
import { hashSessionId, listSessions, revokeSessionByHashPrefix } from '../auth/sessions';
import { StaffError, createStaff, listStaff, normalizeUsername, updateStaff } from '../auth/staff';
import type { AppDeps } from '../deps';
import { registerRoute } from '../http/contract';
import { requireRole, requireStepUp } from '../http/auth';
import { HttpError } from '../http/errors';
import { recordingActivity, seenFrom, type AdminActivity } from '../store/admin-activity';

function staffHttpError(error: unknown): never {
  if (!(error instanceof StaffError)) throw error;
  switch (error.code) {
    case 'NOT_FOUND':
      throw new HttpError('NOT_FOUND', error.message);
    case 'ALREADY_EXISTS':
    case 'LAST_ADMIN':
      throw new HttpError('CONFLICT', error.message);
    default:
      throw new HttpError('VALIDATION_FAILED', error.message);
  }
}

export const staffRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const admin = requireRole('admin');
  // Managing staff and sessions needs an authentication within the last 10 minutes.
  const adminAction = [admin, requireStepUp(deps)];
  // The admin-activity entry of a change, appended in the change's own transaction.
  const recording = (request: FastifyRequest, activity: Omit<AdminActivity, 'staff' | 'ip' | 'userAgent'>) =>
    recordingActivity(deps.store, { staff: request.staff!.username, ...seenFrom(request), ...activity }, deps.clock);

  registerRoute(app, routes.list, { onRequest: admin }, async () => ({
    staff: await listStaff(deps.store),
  }));

  registerRoute(app, routes.create, { onRequest: adminAction }, async (request, reply) => {
    try {
      const { username, role } = request.body;
      const created = await createStaff(deps.store, request.body, deps.clock, recording(request, { action: 'staff_created', target: normalizeUsername(username) ?? username, details: { role } }));
      request.log.info({ event: 'user_created', staff: request.staff!.username, target: created.username, role: created.role }, 'staff account created');
      return reply.code(201).send(created);
    } catch (error) {
      staffHttpError(error);
    }
  });

  // Every change here also ends the person's sessions, and is recorded with them, in one
  // transaction (auth/staff updateStaff): a part refused changes and records nothing.
  registerRoute(app, routes.patch, { onRequest: adminAction }, async (request) => {
    const { name } = request.params;
    const { role, disabled, password } = request.body;
    try {
      const { previous, current } = await updateStaff(deps.store, name, { role, disabled, password }, { by: { staff: request.staff!.username, ...seenFrom(request) }, clock: deps.clock });
      request.log.info({ event: 'user_updated', staff: request.staff!.username, target: name, role, disabled, passwordReset: password !== undefined }, 'staff account changed');
      if (current.role !== previous.role) {
        request.log.info({ event: 'authz_change', staff: request.staff!.username, target: name, from: previous.role, to: current.role }, 'staff role changed');
      }
      return current;
    } catch (error) {
      staffHttpError(error);
    }
  });

  registerRoute(app, routes.sessions, { onRequest: admin }, async (request) => {
    const current = request.sessionId ? hashSessionId(request.sessionId) : '';
    const staff = new Map((await listStaff(deps.store)).map((member) => [member.username, member.role]));
    const sessions = await listSessions(deps.store, deps.clock);
    return {
      sessions: sessions.map((session) => ({
        handle: session.id,
        username: session.username,
        role: staff.get(session.username) ?? 'viewer',
        createdAt: session.createdAt,
        lastSeenAt: session.lastSeenAt,
        current: current.startsWith(session.id),
      })),
    };
  });

  registerRoute(app, routes.revokeSession, { onRequest: adminAction }, async (request, reply) => {
    const { handle } = request.params;
    const owner = (await listSessions(deps.store, deps.clock)).find((session) => session.id === handle)?.username;
    const recorded = recording(request, { action: 'session_ended', ...(owner ? { target: owner } : {}), details: { session: handle } });
    if (!(await revokeSessionByHashPrefix(deps.store, handle, recorded))) throw new HttpError('NOT_FOUND', 'There is no such session.');
    request.log.info({ event: 'session_expired', reason: 'revoked', staff: request.staff!.username, handle }, 'session revoked');
    return reply.code(204).send();
  });
};
