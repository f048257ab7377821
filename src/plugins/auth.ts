// Decorates `app.auth` (AuthService) and the route guards `app.authenticate` (a valid bearer token of a live login:
// sets request.user and request.sessionId) and `app.requireSuperuser`. Failures are FastAPI's 401/403 bodies.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../core/errors.js';
import type { User } from '../db/schema.js';
import { AuthService } from '../services/auth.js';

declare module 'fastify' {
  interface FastifyInstance {
    auth: AuthService;
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    requireSuperuser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    user: User;
    sessionId: string;
  }
}

const BEARER = { 'www-authenticate': 'Bearer' };
export const NOT_AUTHENTICATED = () => new HttpError(401, 'Not authenticated', BEARER);
export const BAD_CREDENTIALS = () => new HttpError(401, 'Could not validate credentials', BEARER);
export const NOT_ENOUGH_PRIVILEGES = () => new HttpError(403, "The user doesn't have enough privileges");

export default fp(
  async (app) => {
    app.decorate('auth', new AuthService(app.db, app.config, app.clock));
    app.decorateRequest('user', null as unknown as User);
    app.decorateRequest('sessionId', '');

    app.decorate('authenticate', async (request: FastifyRequest) => {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match) throw NOT_AUTHENTICATED();
      const found = await app.auth.verify(match[1]!);
      if (!found) throw BAD_CREDENTIALS();
      if (!found.user.is_active) throw new HttpError(400, 'Inactive user');
      request.user = found.user;
      request.sessionId = found.sessionId;
    });

    app.decorate('requireSuperuser', async (request: FastifyRequest) => {
      if (!request.user.is_superuser) throw NOT_ENOUGH_PRIVILEGES();
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
