// /api/v1/users/me*: a user's own account — read it, change name and e-mail, change the password, delete it.
// Every route needs a bearer token; request.user is the row app.authenticate loaded for it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientInfo } from '../core/client-info.js';
import { sameEmail } from '../core/email.js';
import { HttpError, isUniqueViolation, RequestValidationError } from '../core/errors.js';
import { normalizePassword } from '../core/security.js';
import { BEARER_SECURITY } from '../plugins/docs.js';
import { UserRepository } from '../repositories/user.js';
import { HttpError as HttpErrorBody, Message, ServiceBusy, ValidationError } from '../schemas/common.js';
import { UpdatePassword, User, UserUpdateMe } from '../schemas/user.js';
import { assertPasswordPolicy } from '../core/password-policy.js';
import { SecurityEventRepository } from '../repositories/security-event.js';
import { guardKey } from '../services/login-guard.js';

export const EMAIL_TAKEN = 'User with this email already exists';
export const SUPERUSER_SELF_DELETE = 'Super users are not allowed to delete themselves';
export const USER_DELETED = 'User deleted successfully';

/** What app.authenticate can answer: 401 without a valid token, 400 for the token of an inactive user. */
const AUTH_ERRORS = { 400: HttpErrorBody, 401: HttpErrorBody };
const common = { tags: ['users'], security: BEARER_SECURITY };
const INCORRECT_PASSWORD = 'Incorrect password';

const usersMeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const users = new UserRepository(app.db, app.hasher, app.clock);
  const events = new SecurityEventRepository(app.db, app.clock);
  const loginLimit = app.rateLimit('login');

  /**
   * A password check on an account route is a login attempt: the same per-IP limit and per-account guard (a stolen
   * token must not become a free password oracle), and its failures count and are recorded alike.
   */
  async function checkCurrentPassword(request: FastifyRequest, reply: FastifyReply, password: string): Promise<void> {
    await loginLimit(request, reply);
    const key = guardKey(request.user, request.user.email);
    await app.loginGuard.check(key);
    const { valid } = await app.hasher.verify(password, request.user.hashed_password);
    if (!valid) {
      const { locked } = await app.loginGuard.failed(key);
      await events.recordFailure(request.user.id, clientInfo(request));
      if (locked) await events.record(request.user.id, 'locked', clientInfo(request));
      throw new HttpError(400, INCORRECT_PASSWORD);
    }
    await app.loginGuard.succeeded(key);
  }

  app.get(
    '/me',
    { onRequest: app.authenticate, schema: { ...common, summary: 'The current user', response: { 200: User, ...AUTH_ERRORS } } },
    async function readUserMe(request) {
      return request.user;
    },
  );

  app.patch(
    '/me',
    {
      // Per IP and per account: a 409 tells whether an address is registered, so guesses are limited.
      onRequest: [app.authenticate, app.rateLimit('profile'), app.rateLimit('profile', 'account')],
      schema: {
        ...common,
        summary: 'Update the current user',
        description:
          'Changes `full_name` and/or `email`; any other field is refused (422). A new e-mail address needs ' +
          '`current_password` (400 `Incorrect password` when wrong; checked like a log-in), must be verified again, ' +
          'is announced to the old address, and ends every other login of the account. The same address in another ' +
          'letter case is not a change.',
        body: UserUpdateMe,
        response: { 200: User, ...AUTH_ERRORS, 404: HttpErrorBody, 409: HttpErrorBody, 422: ValidationError, 429: HttpErrorBody, 503: ServiceBusy },
      },
    },
    async function updateUserMe(request, reply) {
      const current = request.user;
      const { full_name, email, current_password } = request.body;
      const emailChanged = email !== undefined && !sameEmail(email, current.email);
      if (emailChanged) {
        if (current_password === undefined) {
          throw new RequestValidationError([{ loc: ['body', 'current_password'], msg: 'field required to change the email', type: 'value_error.missing' }]);
        }
        await checkCurrentPassword(request, reply, current_password);
        if (await users.getByEmail(email)) throw new HttpError(409, EMAIL_TAKEN);
      }
      let updated;
      try {
        const change = { client: clientInfo(request), keepSessionId: request.sessionId };
        updated = await users.update(current, { full_name, email, ...(emailChanged && { is_verified: false }) }, change);
      } catch (error) {
        // Another request took the address between the check and the write: the unique index says so.
        if (isUniqueViolation(error)) throw new HttpError(409, EMAIL_TAKEN);
        throw error;
      }
      if (!updated) throw new HttpError(404, 'User not found'); // deleted meanwhile
      if (emailChanged) app.emails.sendEmailChangedNotice(current.email, updated.email);
      return updated;
    },
  );

  app.patch(
    '/me/password',
    {
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'Change the current user’s password',
        description:
          'Needs the current password, checked like a log-in (the log-in per-IP limit and per-account guard, 429). ' +
          'Ends every login of the user, this one included: log in again with the new password. A notice goes ' +
          'to the account’s address.',
        body: UpdatePassword,
        response: { 200: Message, ...AUTH_ERRORS, 404: HttpErrorBody, 422: ValidationError, 429: HttpErrorBody, 503: ServiceBusy },
      },
    },
    async function updatePasswordMe(request, reply) {
      const { current_password, new_password } = request.body;
      // The same password twice is answered as such, never with the policy's complaints about it (but only once
      // it is known to be the current one). Otherwise the policy comes before any Argon2 work (a 422 before a 400,
      // as FastAPI validates the body before the handler runs), then the current password.
      if (normalizePassword(current_password) === normalizePassword(new_password)) {
        await checkCurrentPassword(request, reply, current_password);
        throw new HttpError(400, 'New password cannot be the same as the current one');
      }
      const { email, full_name: fullName } = request.user;
      assertPasswordPolicy(new_password, { minLength: app.config.passwordMinLength, email, fullName }, 'new_password');
      await checkCurrentPassword(request, reply, current_password);
      // The repository revokes all the user's logins in the same transaction as the new hash.
      const updated = await users.update(request.user, { password: new_password }, { client: clientInfo(request) });
      if (!updated) throw new HttpError(404, 'User not found');
      app.emails.sendPasswordChangedNotice(updated, 'changed');
      return { message: 'Password updated successfully' };
    },
  );

  app.delete(
    '/me',
    {
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'Delete the current user',
        description: 'Superusers cannot delete themselves (so the last one cannot disappear by accident).',
        response: { 200: Message, ...AUTH_ERRORS, 403: HttpErrorBody },
      },
    },
    async function deleteUserMe(request) {
      if (request.user.is_superuser) throw new HttpError(403, SUPERUSER_SELF_DELETE);
      // Sessions, refresh and action tokens go with the row (ON DELETE CASCADE).
      await users.remove(request.user.id);
      return { message: USER_DELETED };
    },
  );
};

export default usersMeRoutes;
