// /api/v1/users/me*: a user's own account — read it, change name and e-mail, change the password, delete it.
// Every route needs a bearer token; request.user is the row app.authenticate loaded for it.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, isUniqueViolation } from '../core/errors.js';
import { normalizePassword } from '../core/security.js';
import { BEARER_SECURITY } from '../plugins/docs.js';
import { UserRepository } from '../repositories/user.js';
import { HttpError as HttpErrorBody, Message, ValidationError } from '../schemas/common.js';
import { UpdatePassword, User, UserUpdateMe } from '../schemas/user.js';
import { assertPasswordPolicy } from '../core/password-policy.js';

export const EMAIL_TAKEN = 'User with this email already exists';
export const SUPERUSER_SELF_DELETE = 'Super users are not allowed to delete themselves';
export const USER_DELETED = 'User deleted successfully';

/** What app.authenticate can answer: 401 without a valid token, 400 for the token of an inactive user. */
const AUTH_ERRORS = { 400: HttpErrorBody, 401: HttpErrorBody };
const common = { tags: ['users'], security: BEARER_SECURITY };

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

const usersMeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const users = new UserRepository(app.db, app.hasher, app.clock);

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
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'Update the current user',
        description:
          'Changes `full_name` and/or `email`; any other field is refused (422). A new e-mail address must be ' +
          'verified again; the same address in another letter case is not a change.',
        body: UserUpdateMe,
        response: { 200: User, ...AUTH_ERRORS, 404: HttpErrorBody, 409: HttpErrorBody, 422: ValidationError },
      },
    },
    async function updateUserMe(request) {
      const current = request.user;
      const { full_name, email } = request.body;
      const emailChanged = email !== undefined && !sameEmail(email, current.email);
      if (emailChanged && (await users.getByEmail(email))) throw new HttpError(409, EMAIL_TAKEN);
      let updated;
      try {
        updated = await users.update(current, { full_name, email, ...(emailChanged && { is_verified: false }) });
      } catch (error) {
        // Another request took the address between the check and the write: the unique index says so.
        if (isUniqueViolation(error)) throw new HttpError(409, EMAIL_TAKEN);
        throw error;
      }
      if (!updated) throw new HttpError(404, 'User not found'); // deleted meanwhile
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
          'Needs the current password. Ends every login of the user, this one included: log in again with the ' +
          'new password.',
        body: UpdatePassword,
        response: { 200: Message, ...AUTH_ERRORS, 404: HttpErrorBody, 422: ValidationError },
      },
    },
    async function updatePasswordMe(request) {
      const { current_password, new_password } = request.body;
      // Before any Argon2 work, and a 422 before a 400, as FastAPI validates the body before the handler runs.
      const { email, full_name: fullName } = request.user;
      assertPasswordPolicy(new_password, { minLength: app.config.passwordMinLength, email, fullName }, 'new_password');
      const { valid } = await app.hasher.verify(current_password, request.user.hashed_password);
      if (!valid) throw new HttpError(400, 'Incorrect password');
      if (normalizePassword(current_password) === normalizePassword(new_password)) throw new HttpError(400, 'New password cannot be the same as the current one');
      // The repository revokes all the user's logins in the same transaction as the new hash.
      if (!(await users.update(request.user, { password: new_password }))) throw new HttpError(404, 'User not found');
      await app.loginGuard.succeeded(request.user.email);
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
