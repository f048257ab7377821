// The e-mails the service sends, each with a link carrying a fresh single-use token (FRONTEND_URL + token).
// Both run after the response (app.background): a slow mail server never delays a request.
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/client.js';
import type { User } from '../db/schema.js';
import { ActionTokenRepository } from '../repositories/action-token.js';
import type { Mailer, MailMessage } from './mailer.js';

type Background = (name: string, task: () => Promise<void>) => void;

export class AccountEmails {
  private readonly tokens: ActionTokenRepository;

  constructor(
    db: Db,
    private readonly config: Config,
    private readonly mailer: Mailer,
    private readonly background: Background,
    clock: Clock,
  ) {
    this.tokens = new ActionTokenRepository(db, clock);
  }

  private link(path: string, token: string): string {
    return `${this.config.frontendUrl}/${path}?token=${encodeURIComponent(token)}`;
  }

  sendPasswordReset(user: User): void {
    this.background('password-reset-email', async () => {
      const token = await this.tokens.issue(user.id, 'password_reset', this.config.passwordResetTtlSeconds);
      const minutes = Math.round(this.config.passwordResetTtlSeconds / 60);
      await this.send({
        to: user.email,
        subject: 'CNLearn: reset your password',
        text:
          `Someone asked to reset the password of the CNLearn account ${user.email}.\n\n` +
          `To choose a new password, open this link within ${minutes} minutes:\n${this.link('reset-password', token)}\n\n` +
          'If it was not you, ignore this message: your password stays as it is.\n',
      });
    });
  }

  sendVerification(user: User): void {
    this.background('verify-email', async () => {
      const token = await this.tokens.issue(user.id, 'verify_email', this.config.emailVerifyTtlSeconds);
      await this.send({
        to: user.email,
        subject: 'CNLearn: confirm your e-mail address',
        text: `Please confirm that ${user.email} is your address by opening this link:\n${this.link('verify-email', token)}\n`,
      });
    });
  }

  private send(message: MailMessage): Promise<void> {
    return this.mailer.send(message);
  }
}
