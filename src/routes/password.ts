// /api/v1/password-recovery/{email} and /api/v1/reset-password/: forgotten passwords, by a single-use e-mailed link.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clientInfo } from '../core/client-info.js';
import { sameEmail } from '../core/email.js';
import { HttpError } from '../core/errors.js';
import { ActionTokenRepository } from '../repositories/action-token.js';
import { UserRepository } from '../repositories/user.js';
import { HttpError as HttpErrorBody, Message, ServiceBusy, ValidationError } from '../schemas/common.js';
import { NewPassword, PasswordRecoveryParams } from '../schemas/password.js';
import { assertPasswordPolicy } from '../core/password-policy.js';
import type { TokenOwner } from '../repositories/action-token.js';
import { guardKey } from '../services/login-guard.js';

const RECOVERY_SENT = 'If that email is registered, we sent a password recovery link';
const INVALID_TOKEN = 'Invalid token';

const passwordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  if (!app.config.passwordRecoveryEnabled) return; // PASSWORD_RECOVERY_ENABLED=false: the routes do not exist
  const users = new UserRepository(app.db, app.hasher, app.clock);
  const tokens = new ActionTokenRepository(app.db, app.clock);

  app.post(
    '/password-recovery/:email',
    {
      schema: {
        tags: ['login'],
        summary: 'Send a password recovery link',
        description:
          'E-mails a single-use link to FRONTEND_URL/reset-password?token=…, valid for PASSWORD_RESET_EXPIRE_MINUTES ' +
          '(default 60); a newer link voids the older one. The answer is the same whether or not the address belongs ' +
          'to an active account, and comes before the lookup, so neither its body nor its timing tells. One e-mail ' +
          'per address and minute: further requests are answered alike and send nothing.',
        params: PasswordRecoveryParams,
        response: { 200: Message, 422: ValidationError, 429: HttpErrorBody },
      },
      onRequest: app.rateLimit('recovery'),
    },
    async function recoverPassword(request) {
      const { email } = request.params;
      // After the response: a known address would otherwise answer slower (token insert) than an unknown one.
      app.background('password-recovery', async () => {
        const user = await users.getByEmail(email);
        if (user?.is_active && (await app.allowMailTo(user.email))) app.emails.sendPasswordReset(user);
      });
      return { message: RECOVERY_SENT };
    },
  );

  app.post(
    '/reset-password/',
    {
      schema: {
        tags: ['login'],
        summary: 'Set a new password with the token of a recovery link',
        description:
          'The token is spent by this call. The new password ends every login of the account (access and refresh ' +
          'tokens) and voids any other pending recovery link. Unknown, expired or spent tokens: 400 `Invalid token`.',
        body: NewPassword,
        response: { 200: Message, 400: HttpErrorBody, 422: ValidationError, 429: HttpErrorBody, 503: ServiceBusy },
      },
      onRequest: app.rateLimit('reset'),
    },
    async function resetPassword(request) {
      const { token, new_password } = request.body;
      // The account the link was sent for, if it is active and still has the address the link went to.
      const account = async (owner: TokenOwner | undefined) => {
        if (!owner) return undefined;
        const user = await users.get(owner.userId);
        return user?.is_active && sameEmail(user.email, owner.email) ? user : undefined;
      };
      // Checked before the token is spent: a refused password must leave the link usable for a second try.
      const owner = await account(await tokens.peek(token, 'password_reset'));
      if (!owner) throw new HttpError(400, INVALID_TOKEN);
      const { email, full_name: fullName } = owner;
      assertPasswordPolicy(new_password, { minLength: app.config.passwordMinLength, email, fullName }, 'new_password');
      // Deleting the token is the claim on it: of two concurrent uses, only one gets a user id.
      const user = await account(await tokens.consume(token, 'password_reset'));
      if (!user) throw new HttpError(400, INVALID_TOKEN);
      const updated = await users.update(user, { password: new_password }, { client: clientInfo(request), passwordEvent: 'password_reset' });
      if (!updated) throw new HttpError(400, INVALID_TOKEN); // deleted meanwhile
      await app.loginGuard.succeeded(guardKey(user, user.email)); // the owner proved control of the address: lift any lockout
      app.emails.sendPasswordChangedNotice(updated, 'reset');
      return { message: 'Password updated successfully' };
    },
  );
};

export default passwordRoutes;
