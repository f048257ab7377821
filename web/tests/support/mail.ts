// Reading the e-mails the service sent: the SMTP sink (smtp-sink.ts) appends each one as a JSON line to the file
// named by CNLEARN_MAIL_LOG. The service sends after its response, so the helpers poll until the mail is there.
import { existsSync, readFileSync } from 'node:fs';
import { expect } from '@playwright/test';

export interface Mail {
  to: string[];
  from: string | null;
  subject: string;
  text: string;
  received_at: string;
}

export function mailLogPath(): string {
  const file = process.env.CNLEARN_MAIL_LOG;
  if (!file) throw new Error('CNLEARN_MAIL_LOG is not set: run the browser tests with `npm run test:web`');
  return file;
}

/** Every mail received so far to `address` (any letter case), oldest first. */
export function mailsTo(address: string): Mail[] {
  const file = mailLogPath();
  if (!existsSync(file)) return [];
  const wanted = address.toLowerCase();
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Mail)
    .filter((mail) => mail.to.includes(wanted));
}

/**
 * Waits for the newest mail to `address` whose subject matches `subject`, received after `count` such mails
 * (pass the count taken before the action that sends it, so an older mail is never mistaken for the new one).
 */
export async function newestMail(address: string, subject: RegExp, options: { after?: number; timeout?: number } = {}): Promise<Mail> {
  const matching = () => mailsTo(address).filter((mail) => subject.test(mail.subject));
  await expect
    .poll(() => matching().length, { message: `a mail to ${address} with subject ${subject}`, timeout: options.timeout ?? 10_000 })
    .toBeGreaterThan(options.after ?? 0);
  const mails = matching();
  return mails[mails.length - 1] as Mail;
}

/** How many mails to `address` with a matching subject have arrived: take it before the action that sends one. */
export function countMails(address: string, subject: RegExp): number {
  return mailsTo(address).filter((mail) => subject.test(mail.subject)).length;
}

/** The first link in the mail whose path is `path` (e.g. '/reset-password'), as a URL. */
export function linkIn(mail: Mail, path: string): URL {
  for (const match of mail.text.matchAll(/https?:\/\/[^\s<>"]+/g)) {
    const url = new URL(match[0]);
    if (url.pathname === path) return url;
  }
  throw new Error(`no ${path} link in the mail "${mail.subject}":\n${mail.text}`);
}
