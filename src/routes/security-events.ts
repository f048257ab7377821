// /api/v1/users/me/events and /api/v1/users/{user_id}/events: an account's security history, newest first.
// Events are written by the repositories in the transaction of what they record; plugins/retention.ts prunes
// them after SECURITY_EVENTS_RETENTION_DAYS.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '../core/errors.js';
import { BEARER_SECURITY } from '../plugins/docs.js';
import { SecurityEventRepository, type SecurityEvent } from '../repositories/security-event.js';
import { UserRepository } from '../repositories/user.js';
import { HttpError as HttpErrorBody, ValidationError } from '../schemas/common.js';
import { SecurityEventPublic, SecurityEventsQuery } from '../schemas/security.js';
import { UserIdParams } from '../schemas/user.js';

const common = { tags: ['users'], security: BEARER_SECURITY };
const DESCRIPTION =
  'Newest first: `login`, `login_failed` (beyond 10 an hour, counted on one event), `logout`, ' +
  '`refresh_reuse_detected`, `password_changed`, `password_reset`, `email_changed`, `email_verified`, ' +
  '`sessions_ended`, `locked`. Page on with `before` = the last id of a page.';

const publicEvent = ({ user_id: _, created_at, ...event }: SecurityEvent) => ({ ...event, created_at: created_at.toISOString() });

const securityEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const events = new SecurityEventRepository(app.db, app.clock);
  const users = new UserRepository(app.db, app.hasher, app.clock);

  app.get(
    '/me/events',
    {
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'My security history',
        description: DESCRIPTION,
        querystring: SecurityEventsQuery,
        response: { 200: Type.Array(SecurityEventPublic), 400: HttpErrorBody, 401: HttpErrorBody, 422: ValidationError },
      },
    },
    async function readEventsMe(request) {
      return (await events.list(request.user.id, request.query)).map(publicEvent);
    },
  );

  app.get(
    '/:user_id/events',
    {
      onRequest: [app.authenticate, app.requireSuperuser],
      schema: {
        ...common,
        summary: 'A user’s security history (superusers)',
        description: DESCRIPTION,
        params: UserIdParams,
        querystring: SecurityEventsQuery,
        response: { 200: Type.Array(SecurityEventPublic), 400: HttpErrorBody, 401: HttpErrorBody, 403: HttpErrorBody, 404: HttpErrorBody, 422: ValidationError },
      },
    },
    async function readUserEvents(request) {
      if (!(await users.get(request.params.user_id))) throw new HttpError(404, 'User not found');
      return (await events.list(request.params.user_id, request.query)).map(publicEvent);
    },
  );
};

export default securityEventRoutes;
