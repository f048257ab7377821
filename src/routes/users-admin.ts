// /api/v1/users/ and /api/v1/users/{user_id}: administration of accounts, for superusers (reading one's own
// account by id is the one exception). Request bodies are copied field by field into the repository: a body may
// carry extra keys (UserCreate/UserUpdate ignore them), and none of them may reach the row.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, isUniqueViolation } from '../core/errors.js';
import { BEARER_SECURITY } from '../plugins/docs.js';
import { NOT_ENOUGH_PRIVILEGES } from '../plugins/auth.js';
import { LastSuperuserError, UserRepository } from '../repositories/user.js';
import { clientInfo } from '../core/client-info.js';
import { guardKey } from '../services/login-guard.js';
import { HttpError as HttpErrorBody, Message, ServiceBusy, ValidationError } from '../schemas/common.js';
import { User, UserCreate, UserIdParams, UsersPublic, UsersQuery, UserUpdate } from '../schemas/user.js';
import { EMAIL_TAKEN, SUPERUSER_SELF_DELETE, USER_DELETED } from './users-me.js';
import { assertPasswordPolicy } from '../core/password-policy.js';

const EMAIL_IN_USE = 'This email is already in use.';
const NOT_FOUND = () => new HttpError(404, 'User not found');

/** Runs an account change; the last active superuser's demotion, deactivation or deletion is a 400. */
async function keepingASuperuser<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof LastSuperuserError) throw new HttpError(400, error.message);
    throw error;
  }
}

/** 400 (inactive user's token) and 401 come from app.authenticate, 403 from app.requireSuperuser. */
const GUARD_ERRORS = { 400: HttpErrorBody, 401: HttpErrorBody, 403: HttpErrorBody };
const common = { tags: ['users'], security: BEARER_SECURITY };

const usersAdminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const users = new UserRepository(app.db, app.hasher, app.clock);
  // Both in onRequest, so a normal user gets 403 before the body is parsed or validated (FastAPI also resolves
  // get_current_active_superuser before it validates the parameters).
  const superuserOnly = { onRequest: [app.authenticate, app.requireSuperuser] };

  app.get(
    '/',
    {
      ...superuserOnly,
      schema: {
        ...common,
        summary: 'List users',
        description:
          'A page of users in id order, and how many there are in all. `q` keeps the users whose e-mail address ' +
          'contains it (letter case ignored; % and _ are plain characters), and `count` counts those.',
        querystring: UsersQuery,
        response: { 200: UsersPublic, ...GUARD_ERRORS, 422: ValidationError },
      },
    },
    async function readUsers(request) {
      const [data, count] = await Promise.all([users.getMulti(request.query), users.count(request.query.q)]);
      return { data, count };
    },
  );

  app.post(
    '/',
    {
      ...superuserOnly,
      schema: {
        ...common,
        summary: 'Create a user',
        description: 'The account counts as verified: a superuser vouches for the address.',
        body: UserCreate,
        response: { 200: User, ...GUARD_ERRORS, 422: ValidationError, 503: ServiceBusy },
      },
    },
    async function createUser(request) {
      const { email, password, full_name, is_active, is_superuser } = request.body;
      assertPasswordPolicy(password, { minLength: app.config.passwordMinLength, email, fullName: full_name });
      // Checked before hashing so a duplicate costs no Argon2 time; the unique index settles races.
      if (await users.getByEmail(email)) throw new HttpError(400, EMAIL_IN_USE);
      try {
        return await users.create({ email, password, full_name: full_name ?? null, is_active, is_superuser, is_verified: true });
      } catch (error) {
        if (isUniqueViolation(error)) throw new HttpError(400, EMAIL_IN_USE);
        throw error;
      }
    },
  );

  app.get(
    '/:user_id',
    {
      onRequest: app.authenticate,
      schema: {
        ...common,
        summary: 'Read a user by id',
        description: 'Superusers read anyone; other users only themselves.',
        params: UserIdParams,
        response: { 200: User, ...GUARD_ERRORS, 404: HttpErrorBody, 422: ValidationError },
      },
    },
    async function readUserById(request) {
      const { user_id } = request.params;
      if (user_id === request.user.id) return request.user;
      // Privileges before existence: a normal user learns nothing about which ids exist.
      if (!request.user.is_superuser) throw NOT_ENOUGH_PRIVILEGES();
      const user = await users.get(user_id);
      if (!user) throw NOT_FOUND();
      return user;
    },
  );

  app.patch(
    '/:user_id',
    {
      ...superuserOnly,
      schema: {
        ...common,
        summary: 'Update a user',
        description:
          'Writes the fields present. A new password, a new e-mail address, deactivation or removal of superuser ' +
          'rights ends every login of that user. The last active superuser cannot be demoted or deactivated (400).',
        params: UserIdParams,
        body: UserUpdate,
        response: { 200: User, ...GUARD_ERRORS, 404: HttpErrorBody, 409: HttpErrorBody, 422: ValidationError, 503: ServiceBusy },
      },
    },
    async function updateUser(request) {
      const { email, password, full_name, is_active, is_superuser } = request.body;
      const user = await users.get(request.params.user_id);
      if (!user) throw NOT_FOUND();
      if (password !== undefined) {
        const context = { email: email ?? user.email, fullName: full_name === undefined ? user.full_name : full_name };
        assertPasswordPolicy(password, { minLength: app.config.passwordMinLength, ...context });
      }
      if (email !== undefined) {
        const owner = await users.getByEmail(email);
        if (owner && owner.id !== user.id) throw new HttpError(409, EMAIL_TAKEN);
      }
      let updated;
      try {
        const patch = { email, password, full_name, is_active, is_superuser };
        updated = await keepingASuperuser(() => users.update(user, patch, { client: clientInfo(request) }));
      } catch (error) {
        if (isUniqueViolation(error)) throw new HttpError(409, EMAIL_TAKEN);
        throw error;
      }
      if (!updated) throw NOT_FOUND(); // deleted meanwhile
      if (password !== undefined) await app.loginGuard.succeeded(guardKey(updated, updated.email)); // a new password: lift any lockout
      return updated;
    },
  );

  app.delete(
    '/:user_id',
    {
      ...superuserOnly,
      schema: {
        ...common,
        summary: 'Delete a user',
        description:
          'Deletes the account and everything that hangs off it (logins, pending e-mail tokens, its security ' +
          'history). Not oneself (403), nor the last active superuser (400).',
        params: UserIdParams,
        response: { 200: Message, ...GUARD_ERRORS, 404: HttpErrorBody, 422: ValidationError },
      },
    },
    async function deleteUser(request) {
      if (request.params.user_id === request.user.id) throw new HttpError(403, SUPERUSER_SELF_DELETE);
      if (!(await keepingASuperuser(() => users.remove(request.params.user_id)))) throw NOT_FOUND();
      return { message: USER_DELETED };
    },
  );
};

export default usersAdminRoutes;
