// /api/v1/users/me/verify-email and /api/v1/verify-email/: proving an account's e-mail address by a single-use link.
// With REQUIRE_EMAIL_VERIFICATION, login is refused until it is proven (routes/login.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientInfo } from '../core/client-info.js';
import { sameEmail } from '../core/email.js';
import { HttpError } from '../core/errors.js';
import { BEARER_SECURITY } from '../plugins/docs.js';
import { ActionTokenRepository } from '../repositories/action-token.js';
import { UserRepository } from '../repositories/user.js';
import { HttpError as HttpErrorBody, Message, ValidationError } from '../schemas/common.js';
import { VerifyEmail } from '../schemas/password.js';

const verificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const users = new UserRepository(app.db, app.hasher, app.clock);
  const tokens = new ActionTokenRepository(app.db, app.clock);

  app.post(
    '/users/me/verify-email',
    {
      // Each call sends an e-mail: limited per IP (its own limit, RATE_LIMIT_VERIFY_PER_MINUTE).
      onRequest: [app.authenticate, app.rateLimit('verify')],
      schema: {
        tags: ['users'],
        summary: 'Send me an e-mail verification link',
        description:
          'E-mails a single-use link to FRONTEND_URL/verify-email?token=…, valid for EMAIL_VERIFY_EXPIRE_HOURS ' +
          '(default 48); a newer link voids the older one. Nothing is sent when the address is already verified.',
        security: BEARER_SECURITY,
        response: { 200: Message, 400: HttpErrorBody, 401: HttpErrorBody, 429: HttpErrorBody },
      },
    },
    async function requestEmailVerification(request) {
      if (request.user.is_verified) return { message: 'Email already verified' };
      app.emails.sendVerification(request.user);
      return { message: 'Verification email sent' };
    },
  );

  app.post(
    '/verify-email/',
    {
      schema: {
        tags: ['users'],
        summary: 'Verify an e-mail address with the token of a verification link',
        description:
          'The token is spent by this call. Unknown, expired or spent tokens, and tokens sent to an address the ' +
          'account no longer has: 400 `Invalid token`.',
        body: VerifyEmail,
        response: { 200: Message, 400: HttpErrorBody, 422: ValidationError },
      },
    },
    async function verifyEmail(request) {
      const owner = await tokens.consume(request.body.token, 'verify_email');
      const user = owner && (await users.get(owner.userId));
      // The link proves the address it was sent to, and only that one.
      if (!user || !sameEmail(user.email, owner.email)) throw new HttpError(400, 'Invalid token');
      if (!(await users.markVerified(user, clientInfo(request)))) throw new HttpError(400, 'Invalid token');
      return { message: 'Email verified successfully' };
    },
  );
};

export default verificationRoutes;
