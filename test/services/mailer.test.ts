// The mailer on its own: a real SMTP round trip to an in-process server, and the log fallback without SMTP_HOST.
import { Writable } from 'node:stream';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMailer } from '../../src/services/mailer.js';
import { testConfig } from '../helpers/app.js';
import { startSmtpServer, type SmtpFixture } from '../helpers/smtp.js';
import { randomEmail } from '../helpers/users.js';

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

let smtp: SmtpFixture;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});

describe('createMailer with SMTP_HOST', () => {
  it('delivers from EMAILS_FROM_EMAIL to the recipient, with subject and text intact', async () => {
    const config = testConfig({ ...smtp.env, EMAILS_FROM_EMAIL: 'accounts@cnlearn.test' });
    const mailer = createMailer(config, capturingLogger().log);
    const to = randomEmail();
    // Long and non-ASCII, so the transfer encoding (quoted-printable, soft line breaks) is exercised too.
    const text = `Hello 你好 — here is a long line ${'x'.repeat(120)}\nhttps://example.test/reset-password?token=abc_DEF-123\n`;
    try {
      expect(mailer.kind).toBe('smtp');
      await mailer.send({ to, subject: 'CNLearn: a test — 测试', text });
    } finally {
      mailer.close();
    }
    const mail = await smtp.waitForMail(to);
    expect(mail.from).toBe('accounts@cnlearn.test');
    expect(mail.to).toEqual([to]);
    expect(mail.headers.from).toContain('accounts@cnlearn.test');
    expect(mail.headers.to).toContain(to);
    expect(mail.subject).toBe('CNLearn: a test — 测试');
    expect(mail.text.trimEnd()).toBe(text.trimEnd());
  });

  it('logs in with SMTP_USER and SMTP_PASSWORD when they are set', async () => {
    const config = testConfig({ ...smtp.env, SMTP_USER: 'mailer', SMTP_PASSWORD: 'smtp secret' });
    const mailer = createMailer(config, capturingLogger().log);
    const to = randomEmail();
    const before = smtp.logins.length;
    try {
      await mailer.send({ to, subject: 's', text: 't' });
    } finally {
      mailer.close();
    }
    await smtp.waitForMail(to);
    expect(smtp.logins.slice(before)).toEqual([{ username: 'mailer', password: 'smtp secret' }]);
  });

  it('does not log in without SMTP_USER', async () => {
    const mailer = createMailer(testConfig(smtp.env), capturingLogger().log);
    const to = randomEmail();
    const before = smtp.logins.length;
    try {
      await mailer.send({ to, subject: 's', text: 't' });
    } finally {
      mailer.close();
    }
    await smtp.waitForMail(to);
    expect(smtp.logins.slice(before)).toEqual([]);
  });

  it('opens its transport on the first mail, and closes it when closed', async () => {
    const createTransport = vi.spyOn(nodemailer, 'createTransport');
    try {
      const idle = createMailer(testConfig(smtp.env), capturingLogger().log);
      idle.close();
      expect(createTransport).not.toHaveBeenCalled(); // nothing sent, nothing opened
      const mailer = createMailer(testConfig(smtp.env), capturingLogger().log);
      await mailer.send({ to: randomEmail(), subject: 's', text: 't' });
      expect(createTransport).toHaveBeenCalledTimes(1);
      const transport = createTransport.mock.results[0]!.value as ReturnType<typeof nodemailer.createTransport>;
      const close = vi.spyOn(transport, 'close');
      mailer.close();
      await vi.waitFor(() => expect(close).toHaveBeenCalledTimes(1));
    } finally {
      createTransport.mockRestore();
    }
  });

  it('rejects when the server cannot be reached (the caller, app.background, logs it)', async () => {
    const closed = await startSmtpServer();
    await closed.close();
    const mailer = createMailer(testConfig(closed.env), capturingLogger().log);
    try {
      await expect(mailer.send({ to: randomEmail(), subject: 's', text: 't' })).rejects.toThrow();
    } finally {
      mailer.close();
    }
  });
});

describe('createMailer without SMTP_HOST', () => {
  it('logs the message, link included, instead of sending it', async () => {
    const { log, lines } = capturingLogger();
    const mailer = createMailer(testConfig(), log);
    expect(mailer.kind).toBe('log');
    const message = { to: randomEmail(), subject: 'CNLearn: reset your password', text: 'open https://x.test/reset-password?token=t1\n' };
    await mailer.send(message);
    mailer.close();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, mail: message, msg: 'e-mail (no SMTP_HOST set: logged, not sent)' });
    expect(smtp.received.some((mail) => mail.to.includes(message.to))).toBe(false);
  });
});
