// /api/v1/users/me/sessions: the current user's logins — see them, end one, end all but this one.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientInfo } from '../core/client-info.js';
import { HttpError } from '../core/errors.js';
import { BEARER_SECURITY } from '../plugins/docs.js';
import { SessionRepository } from '../repositories/session.js';
import { HttpError as HttpErrorBody, ValidationError } from '../schemas/common.js';
import { SessionIdParams, SessionPublic, SessionsEnded } from '../schemas/security.js';

const AUTH_ERRORS = { 400: HttpErrorBody, 401: HttpErrorBody };
const common = { tags: ['users'], security: BEARER_SECURITY };

const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const sessions = new SessionRepository(app.db, app.clock);

  app.get(
    '/me/sessions',
    {
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'My logins',
        description: 'Live logins only (not ended, not expired), newest first; `current` marks the one of this token.',
        response: { 200: Type.Array(SessionPublic), ...AUTH_ERRORS },
      },
    },
    async function readSessionsMe(request) {
      const live = await sessions.listLive(request.user.id, app.auth.policy);
      return live.map(({ id, created_at, last_used_at, ip, user_agent }) => ({
        id,
        created_at: created_at.toISOString(),
        last_used_at: last_used_at.toISOString(),
        ip,
        user_agent,
        current: id === request.sessionId,
      }));
    },
  );

  app.delete(
    '/me/sessions/:session_id',
    {
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'End one of my logins',
        description: 'Its access and refresh tokens stop working at once. 404 when it is not a live login of yours.',
        params: SessionIdParams,
        response: { 204: Type.Null({ description: 'Ended' }), ...AUTH_ERRORS, 404: HttpErrorBody, 422: ValidationError },
      },
    },
    async function deleteSessionMe(request, reply) {
      const sessionId = request.params.session_id.toLowerCase(); // as Postgres reads a uuid, and as tokens carry it
      const event = sessionId === request.sessionId ? 'logout' : 'sessions_ended';
      const ended = await sessions.revoke(request.user.id, sessionId, event, clientInfo(request), app.auth.policy);
      if (!ended) throw new HttpError(404, 'Session not found');
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/me/sessions',
    {
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'End every other login',
        description: 'Ends every login of the account but the one of this token; answers how many ended.',
        response: { 200: SessionsEnded, ...AUTH_ERRORS },
      },
    },
    async function deleteOtherSessionsMe(request) {
      return { ended: await sessions.revokeOthers(request.user.id, request.sessionId, clientInfo(request), app.auth.policy) };
    },
  );
};

export default sessionRoutes;
