// /api/v1/login/* and /api/v1/logout: OAuth2 password login, refresh-token rotation, logout, the current user.
// Web clients (`X-CNLearn-Client: web`) keep their refresh token in a cookie instead of the body: core/web-client.ts.
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, RequestValidationError } from '../core/errors.js';
import { UserRepository } from '../repositories/user.js';
import { HttpError as HttpErrorBody, ServiceBusy, ValidationError } from '../schemas/common.js';
import { LoginForm, RefreshRequest, Token, WebClientHeaders } from '../schemas/token.js';
import { User } from '../schemas/user.js';
import { BEARER_SECURITY } from '../plugins/docs.js';
import { OPTIONAL_BODY } from '../core/openapi.js';
import { BAD_CREDENTIALS } from '../plugins/auth.js';
import { clientInfo } from '../core/client-info.js';
import { SecurityEventRepository } from '../repositories/security-event.js';
import { guardKey } from '../services/login-guard.js';
import type { TokenPair } from '../services/auth.js';
import { clearRefreshCookie, isWebClient, REFRESH_COOKIE, setRefreshCookie } from '../core/web-client.js';

const FORM = 'application/x-www-form-urlencoded';
const INCORRECT = 'Incorrect email or password';
const UNAUTHORIZED = { 401: HttpErrorBody };
/** Longer than any refresh token we issue (RefreshRequest's maxLength). */
const MAX_REFRESH_TOKEN_LENGTH = 2048;

const loginRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(formbody, { bodyLimit: app.config.bodyLimit });
  await app.register(cookie);
  const users = new UserRepository(app.db, app.hasher, app.clock);
  const events = new SecurityEventRepository(app.db, app.clock);

  /** A token pair as its client takes it: in the body, or for web clients the refresh token as the cookie. */
  function tokenAnswer(request: FastifyRequest, reply: FastifyReply, pair: TokenPair): Token {
    reply.header('cache-control', 'no-store');
    if (!isWebClient(request)) return pair;
    const { refresh_token, ...rest } = pair;
    setRefreshCookie(request, reply, refresh_token, app.config.refreshTokenTtlSeconds);
    return rest;
  }

  app.post(
    '/login/access-token',
    {
      schema: {
        tags: ['login'],
        summary: 'Log in with e-mail and password (OAuth2 password form)',
        description:
          'Returns a short-lived access token and a single-use refresh token. With `X-CNLearn-Client: web` the ' +
          'refresh token is not in the body but set as the HttpOnly cookie `cnlearn_refresh` (Path ' +
          '/api/v1/login/refresh, SameSite=Strict).',
        consumes: [FORM],
        headers: WebClientHeaders,
        body: LoginForm,
        response: { 200: Token, 400: HttpErrorBody, 422: ValidationError, 429: HttpErrorBody, 503: ServiceBusy },
      },
      // The hash queue is asked first, before the body is even read: under a storm most requests are refused.
      onRequest: [app.hasher.admission, app.rateLimit('login')],
      // The fields are form fields: a JSON body has none of them, as FastAPI would say.
      preValidation: async (request) => {
        if (!request.headers['content-type']?.toLowerCase().startsWith(FORM)) {
          const missing = (field: string) => ({ loc: ['body', field], msg: 'field required', type: 'value_error.missing' });
          throw new RequestValidationError([missing('username'), missing('password')]);
        }
      },
    },
    async function loginAccessToken(request, reply) {
      const { username, password } = request.body;
      const client = clientInfo(request);
      const account = await users.getByEmail(username);
      const key = guardKey(account, username);
      await app.loginGuard.check(key);
      const user = await users.checkPassword(account, password);
      if (!user) {
        const { locked } = await app.loginGuard.failed(key);
        // After the response: written inline, the record would make a registered address answer slower.
        if (account) {
          app.background('login-failed-event', async () => {
            await events.recordFailure(account.id, client);
            if (locked) await events.record(account.id, 'locked', client);
          });
        }
        throw new HttpError(400, INCORRECT);
      }
      await app.loginGuard.succeeded(key);
      if (!users.isActive(user)) throw new HttpError(400, 'Inactive user');
      if (app.config.requireEmailVerification && !user.is_verified) {
        app.emails.sendVerification(user);
        throw new HttpError(400, 'Email not verified');
      }
      // Undefined when the password changed (or the account was deactivated) since it was checked above.
      const pair = await app.auth.login(user, client);
      if (!pair) throw new HttpError(400, INCORRECT);
      return tokenAnswer(request, reply, pair);
    },
  );

  app.post(
    '/login/refresh',
    {
      schema: {
        tags: ['login'],
        summary: 'Exchange a refresh token for a new token pair',
        description:
          'Refresh tokens are single-use. Presenting a spent one revokes the whole login. Refused (401) once the ' +
          'login is SESSION_MAX_AGE_DAYS old (default 30), or when the account may no longer log in (inactive, or ' +
          'unverified while REQUIRE_EMAIL_VERIFICATION is on). Web clients send `X-CNLearn-Client: web` and no ' +
          'body: the token is their `cnlearn_refresh` cookie, rotated in the answer (cleared with a 401). The cookie ' +
          'without that header is refused (403), so another site cannot make a browser spend it.',
        headers: WebClientHeaders,
        body: RefreshRequest,
        [OPTIONAL_BODY]: true, // web clients send none
        response: { 200: Token, ...UNAUTHORIZED, 403: HttpErrorBody, 422: ValidationError, 429: HttpErrorBody },
      },
      onRequest: [
        app.rateLimit('refresh'),
        async (request) => {
          if (isWebClient(request)) {
            // Browsers send no body but may label it JSON: nothing to parse (the token is the cookie).
            if (request.headers['content-length'] === '0') delete request.headers['content-type'];
          } else if (request.cookies[REFRESH_COOKIE] !== undefined) {
            throw new HttpError(403, 'Missing X-CNLearn-Client header');
          }
        },
      ],
      // A web client's token is its cookie, put where a JSON client's token is, so that both take one path.
      preValidation: async (request, reply) => {
        if (!isWebClient(request)) return;
        const token = request.cookies[REFRESH_COOKIE];
        if (!token || token.length > MAX_REFRESH_TOKEN_LENGTH) {
          clearRefreshCookie(request, reply);
          throw BAD_CREDENTIALS();
        }
        request.body = { refresh_token: token };
      },
    },
    async function refreshAccessToken(request, reply) {
      const pair = await app.auth.refresh(request.body.refresh_token, clientInfo(request));
      if (!pair) {
        if (isWebClient(request)) clearRefreshCookie(request, reply);
        throw BAD_CREDENTIALS();
      }
      return tokenAnswer(request, reply, pair);
    },
  );

  app.post(
    '/logout',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['login'],
        summary: 'End the current login',
        description: 'Also clears the `cnlearn_refresh` cookie of web clients.',
        security: BEARER_SECURITY,
        response: { 204: Type.Null({ description: 'Logged out' }), ...UNAUTHORIZED },
      },
    },
    async function logout(request, reply) {
      await app.auth.logout(request.user.id, request.sessionId, clientInfo(request));
      clearRefreshCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  const readMe = { onRequest: app.authenticate, schema: { tags: ['login'], security: BEARER_SECURITY, response: { 200: User, ...UNAUTHORIZED } } };
  app.get('/login/me', { ...readMe, schema: { ...readMe.schema, summary: 'The current user' } }, async function readLoginMe(request) {
    return request.user;
  });
  app.post('/login/test-token', { ...readMe, schema: { ...readMe.schema, summary: 'Test an access token' } }, async function testToken(request) {
    return request.user;
  });
};

export default loginRoutes;
