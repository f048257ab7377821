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
      const token = await this.tokens.issue(user, 'password_reset', this.config.passwordResetTtlSeconds);
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
      const token = await this.tokens.issue(user, 'verify_email', this.config.emailVerifyTtlSeconds);
      await this.send({
        to: user.email,
        subject: 'CNLearn: confirm your e-mail address',
        text: `Please confirm that ${user.email} is your address by opening this link:\n${this.link('verify-email', token)}\n`,
      });
    });
  }

  /** To the old address after an e-mail change: the owner learns of it even if the change was not theirs. */
  sendEmailChangedNotice(oldAddress: string, newAddress: string): void {
    this.background('email-changed-notice', () =>
      this.send({
        to: oldAddress,
        subject: 'CNLearn: your e-mail address was changed',
        text:
          `The e-mail address of your CNLearn account ${oldAddress} was changed to ${newAddress}.\n\n` +
          `If this was not you, reset your password now: ${this.config.frontendUrl}/forgot-password\n` +
          'and contact us: every login of the account but the one that made the change has ended.\n',
      }),
    );
  }

  /** To the account's address after its password was changed or reset. */
  sendPasswordChangedNotice(user: User, how: 'changed' | 'reset'): void {
    this.background('password-changed-notice', () =>
      this.send({
        to: user.email,
        subject: 'CNLearn: your password was changed',
        text:
          `The password of your CNLearn account ${user.email} was ${how === 'reset' ? 'reset by e-mail link' : 'changed'}, and every login of the account has ended.\n\n` +
          `If this was not you, reset your password now: ${this.config.frontendUrl}/forgot-password\n`,
      }),
    );
  }

  private send(message: MailMessage): Promise<void> {
    return this.mailer.send(message);
  }
}
