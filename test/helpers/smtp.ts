// An in-process SMTP server (smtp-server) on 127.0.0.1: the app's real nodemailer transport delivers to it and
// tests read the links out of what arrived, as the user would. Plain SMTP, no TLS, any (or no) login accepted and
// recorded.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  from: string;
  to: string[];
  /** Header names lower-cased, folded lines joined, encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  /** The body after its Content-Transfer-Encoding is undone, with \n line ends. */
  text: string;
  raw: string;
}

export interface SmtpFixture {
  port: number;
  /** Config overrides that point the app's mailer at this server. */
  env: { SMTP_HOST: string; SMTP_PORT: string };
  received: ReceivedMail[];
  /** The AUTH logins clients made, in order. */
  logins: { username: string | undefined; password: string | undefined }[];
  /** The next message to `to` that no earlier call returned; rejects after `timeoutMs`. */
  waitForMail(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/** Quoted-printable (RFC 2045 §6.7): soft line breaks `=\r\n` vanish, `=XX` is a byte; the bytes are UTF-8. */
export function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const joined = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined[i] === '=' ? joined.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?…?=`, `=?UTF-8?B?…?=`), which nodemailer uses for non-ASCII headers. */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_word, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function parseMessage(raw: string): Pick<ReceivedMail, 'headers' | 'subject' | 'text'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const body = split < 0 ? '' : raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = decodeHeader(line.slice(colon + 1).trim());
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const decoded =
    encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { headers, subject: headers.subject ?? '', text: decoded.replace(/\r\n/g, '\n') };
}

/** The `token` query parameter of the first link to FRONTEND_URL/`path` in the mail. */
export function linkToken(mail: ReceivedMail, path: 'reset-password' | 'verify-email'): string {
  const match = new RegExp(`https?://\\S+/${path}\\?token=([^\\s&]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in the mail:\n${mail.text}`);
  return decodeURIComponent(match[1]!);
}

export async function startSmtpServer(): Promise<SmtpFixture> {
  const received: ReceivedMail[] = [];
  const logins: SmtpFixture['logins'] = [];
  const handedOut = new Set<ReceivedMail>();
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Connections left open at close() are cut after this instead of smtp-server's 30 s.
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      logins.push({ username: auth.username, password: auth.password ?? undefined });
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw,
          ...parseMessage(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  async function waitForMail(to: string, timeoutMs = 5000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    const address = to.toLowerCase();
    for (;;) {
      const mail = received.find((m) => !handedOut.has(m) && m.to.some((rcpt) => rcpt.toLowerCase() === address));
      if (mail) {
        handedOut.add(mail);
        return mail;
      }
      if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms (received: ${received.length})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  return {
    port,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port) },
    received,
    logins,
    waitForMail,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
