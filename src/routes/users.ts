// /api/v1/users: registration (the original system's one endpoint).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, isUniqueViolation } from '../core/errors.js';
import { assertPasswordPolicy } from '../core/password-policy.js';
import { UserRepository } from '../repositories/user.js';
import { HttpError as HttpErrorBody, ServiceBusy, ValidationError } from '../schemas/common.js';
import { User, UserRegister } from '../schemas/user.js';

const EMAIL_IN_USE = 'This email is already in use.';

const usersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const users = new UserRepository(app.db, app.hasher, app.clock);

  app.post(
    '/register',
    {
      schema: {
        tags: ['users'],
        summary: 'Register a new user',
        description:
          'Creates an active, non-superuser account. Only `email`, `password` and `full_name` are read. ' +
          'E-mail addresses are unique whatever their letter case.',
        body: UserRegister,
        response: { 200: User, 400: HttpErrorBody, 422: ValidationError, 429: HttpErrorBody, 503: ServiceBusy },
      },
      onRequest: [app.hasher.admission, app.rateLimit('register')],
    },
    async function registerUser(request) {
      const { email, password, full_name } = request.body;
      assertPasswordPolicy(password, { minLength: config.passwordMinLength, email, fullName: full_name });
      // Checked before hashing so a duplicate costs no Argon2 time; the unique index settles races.
      if (await users.getByEmail(email)) throw new HttpError(400, EMAIL_IN_USE);
      try {
        const user = await users.create({ email, password, full_name: full_name ?? null });
        if (config.requireEmailVerification) app.emails.sendVerification(user);
        return user;
      } catch (error) {
        if (isUniqueViolation(error)) throw new HttpError(400, EMAIL_IN_USE);
        throw error;
      }
    },
  );
};

export default usersRoutes;
