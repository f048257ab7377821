// Outgoing e-mail: nodemailer over SMTP when SMTP_HOST is set; otherwise (development) the message, and so the
// link in it, is written to the log. nodemailer is loaded with the first e-mail: most starts never need it.
import type { FastifyBaseLogger } from 'fastify';
import type { Transporter } from 'nodemailer';
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
  let transport: Promise<Transporter> | undefined;
  const connect = () =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        ...(smtp.user !== undefined && { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      }),
    ));
  return {
    kind: 'smtp',
    send: async ({ to, subject, text }) => {
      await (await connect()).sendMail({ from: config.emailsFrom, to, subject, text });
    },
    close: () => void transport?.then((open) => open.close()),
  };
}
