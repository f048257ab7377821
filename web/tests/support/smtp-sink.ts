// An SMTP server for the browser tests: accepts every message (no TLS, no auth) and appends it as one JSON line
// { to, from, subject, text, received_at } to the file named by CNLEARN_MAIL_LOG. Started by playwright.config.ts
// (a webServer entry, before the service) on CNLEARN_SMTP_PORT; the specs read the file (support/mail.ts).
import { appendFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

const file = process.env.CNLEARN_MAIL_LOG;
const port = Number(process.env.CNLEARN_SMTP_PORT);
if (!file || !Number.isInteger(port) || port <= 0) {
  console.error('smtp-sink: CNLEARN_MAIL_LOG and CNLEARN_SMTP_PORT are required');
  process.exit(2);
}

/** Undo a transfer encoding (nodemailer picks quoted-printable or base64 for long or non-ASCII text). */
function decodeBody(body: string, encoding: string): string {
  if (/^base64$/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/^quoted-printable$/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** RFC 2047 encoded words in headers (=?UTF-8?Q?…?= / =?UTF-8?B?…?=). */
function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, hex: string) => String.fromCharCode(parseInt(hex, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function parse(raw: string): { headers: Map<string, string>; text: string } {
  const split = raw.search(/\r?\n\r?\n/);
  const head = split === -1 ? raw : raw.slice(0, split);
  const body = split === -1 ? '' : raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), decodeHeader(line.slice(colon + 1).trim()));
  }
  const text = decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit').replace(/\r\n/g, '\n');
  return { headers, text };
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      const { headers, text } = parse(Buffer.concat(chunks).toString('utf8'));
      const mail = {
        to: session.envelope.rcptTo.map((address) => address.address.toLowerCase()),
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        subject: headers.get('subject') ?? '',
        text,
        received_at: new Date().toISOString(),
      };
      appendFileSync(file, `${JSON.stringify(mail)}\n`);
      callback();
    });
  },
});

server.listen(port, '127.0.0.1', () => console.log(`smtp-sink listening on 127.0.0.1:${port}, writing ${file}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
