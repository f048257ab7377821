// AccountEmails on its own: each message's recipient, subject and text, in the background task named for it, and
// the single-use token its link carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.js';
import { users, type User } from '../../src/db/schema.js';
import { ActionTokenRepository } from '../../src/repositories/action-token.js';
import { AccountEmails } from '../../src/services/account-emails.js';
import { testConfig } from '../helpers/app.js';
import { manualClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { mailbox, tokenIn } from '../helpers/mailbox.js';
import { randomEmail } from '../helpers/users.js';

const FRONTEND = 'https://app.cnlearn.test';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** AccountEmails whose background tasks are recorded by name and can be awaited. */
function setup(overrides: Record<string, string> = {}) {
  const box = mailbox();
  const clock = manualClock();
  const tasks: { name: string; done: Promise<void> }[] = [];
  const config = testConfig({ FRONTEND_URL: FRONTEND, ...overrides });
  const emails = new AccountEmails(database.db, config, box.mailer, (name, task) => tasks.push({ name, done: task() }), clock);
  const settled = async () => {
    await Promise.all(tasks.map((task) => task.done));
    return tasks.map((task) => task.name);
  };
  return { emails, sent: box.sent, clock, settled, tokens: new ActionTokenRepository(database.db, clock) };
}

async function newUser(): Promise<User> {
  const [row] = await database.db.insert(users).values({ email: randomEmail(), hashed_password: 'x' }).returning();
  return row!;
}

describe('AccountEmails', () => {
  it('sendPasswordReset mails a reset link that lives PASSWORD_RESET_EXPIRE_MINUTES', async () => {
    const { emails, sent, clock, settled, tokens } = setup({ PASSWORD_RESET_EXPIRE_MINUTES: '90' });
    const user = await newUser();
    emails.sendPasswordReset(user);
    expect(await settled()).toEqual(['password-reset-email']);
    expect(sent).toHaveLength(1);
    const token = tokenIn(sent[0]!, 'reset-password');
    expect(sent[0]).toEqual({
      to: user.email,
      subject: 'CNLearn: reset your password',
      text:
        `Someone asked to reset the password of the CNLearn account ${user.email}.\n\n` +
        `To choose a new password, open this link within 90 minutes:\n${FRONTEND}/reset-password?token=${token}\n\n` +
        'If it was not you, ignore this message: your password stays as it is.\n',
    });
    expect(await tokens.peek(token, 'verify_email')).toBeUndefined();
    clock.advance(90 * 60 - 1);
    expect(await tokens.peek(token, 'password_reset')).toEqual({ userId: user.id, email: user.email });
    clock.advance(1);
    expect(await tokens.peek(token, 'password_reset')).toBeUndefined();
  });

  it('sendVerification mails a verification link that lives EMAIL_VERIFY_EXPIRE_HOURS', async () => {
    const { emails, sent, clock, settled, tokens } = setup({ EMAIL_VERIFY_EXPIRE_HOURS: '3' });
    const user = await newUser();
    emails.sendVerification(user);
    expect(await settled()).toEqual(['verify-email']);
    const token = tokenIn(sent[0]!, 'verify-email');
    expect(sent).toEqual([
      {
        to: user.email,
        subject: 'CNLearn: confirm your e-mail address',
        text: `Please confirm that ${user.email} is your address by opening this link:\n${FRONTEND}/verify-email?token=${token}\n`,
      },
    ]);
    expect(await tokens.peek(token, 'password_reset')).toBeUndefined();
    clock.advance(3 * 3600 - 1);
    expect(await tokens.peek(token, 'verify_email')).toEqual({ userId: user.id, email: user.email });
    clock.advance(1);
    expect(await tokens.peek(token, 'verify_email')).toBeUndefined();
  });

  it('sendEmailChangedNotice tells the old address about the new one', async () => {
    const { emails, sent, settled } = setup();
    emails.sendEmailChangedNotice('old@example.com', 'new@example.com');
    expect(await settled()).toEqual(['email-changed-notice']);
    expect(sent).toEqual([
      {
        to: 'old@example.com',
        subject: 'CNLearn: your e-mail address was changed',
        text:
          'The e-mail address of your CNLearn account old@example.com was changed to new@example.com.\n\n' +
          `If this was not you, reset your password now: ${FRONTEND}/forgot-password\n` +
          'and contact us: every login of the account but the one that made the change has ended.\n',
      },
    ]);
  });

  it('sendPasswordChangedNotice says how the password changed', async () => {
    const { emails, sent, settled } = setup();
    const user = await newUser();
    emails.sendPasswordChangedNotice(user, 'changed');
    emails.sendPasswordChangedNotice(user, 'reset');
    expect(await settled()).toEqual(['password-changed-notice', 'password-changed-notice']);
    const text = (how: string) =>
      `The password of your CNLearn account ${user.email} was ${how}, and every login of the account has ended.\n\n` +
      `If this was not you, reset your password now: ${FRONTEND}/forgot-password\n`;
    expect(sent).toEqual([
      { to: user.email, subject: 'CNLearn: your password was changed', text: text('changed') },
      { to: user.email, subject: 'CNLearn: your password was changed', text: text('reset by e-mail link') },
    ]);
  });
});
