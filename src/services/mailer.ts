// Outgoing e-mail: nodemailer over SMTP when SMTP_HOST is set; otherwise (development) the message, and so the
// link in it, is written to the log.
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'log';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createMailer(config: Config, log: FastifyBaseLogger): Mailer {
  const { smtp } = config;
  if (!smtp) {
    return {
      kind: 'log',
      send: async (message) => log.info({ mail: message }, 'e-mail (no SMTP_HOST set: logged, not sent)'),
      close: () => {},
    };
  }
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user !== undefined && { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    kind: 'smtp',
    send: async ({ to, subject, text }) => {
      await transport.sendMail({ from: config.emailsFrom, to, subject, text });
    },
    close: () => transport.close(),
  };
}
