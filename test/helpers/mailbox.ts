// An in-memory mailer: the app's e-mails land in a list that tests read (links, notices) without an SMTP server.
import { vi } from 'vitest';
import type { Mailer, MailMessage } from '../../src/services/mailer.js';

export interface Mailbox {
  mailer: Mailer;
  sent: MailMessage[];
  /** Waits for the next mail to `to` matching `subject` that was not handed out before. */
  next(to: string, subject: RegExp): Promise<MailMessage>;
}

export function mailbox(): Mailbox {
  const sent: MailMessage[] = [];
  const handedOut = new Set<MailMessage>();
  return {
    sent,
    mailer: { kind: 'log', send: async (message) => void sent.push(message), close: () => {} },
    async next(to, subject) {
      const mail = await vi.waitFor(() => {
        const found = sent.find((message) => !handedOut.has(message) && message.to === to && subject.test(message.subject));
        if (!found) throw new Error(`no mail "${subject}" to ${to} yet`);
        return found;
      });
      handedOut.add(mail);
      return mail;
    },
  };
}

/** The token of the link to `path` in a mail. */
export function tokenIn(mail: MailMessage, path: 'reset-password' | 'verify-email'): string {
  const match = new RegExp(`https?://\\S+/${path}\\?token=([^\\s&]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in the mail:\n${mail.text}`);
  return decodeURIComponent(match[1]!);
}
