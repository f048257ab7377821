// What buildApp's logger writes: no e-mail address in the request lines, though the recovery route's path holds one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Mailer, MailMessage } from '../src/services/mailer.js';
import { buildTestApp } from './helpers/app.js';
import { createUser } from './helpers/auth.js';
import { captureLogs } from './helpers/logs.js';

const REDACTED = '/api/v1/password-recovery/[redacted]';

describe('request logs of POST /api/v1/password-recovery/{email}', () => {
  const logs = captureLogs();
  const sent: MailMessage[] = [];
  const mailer: Mailer = { kind: 'smtp', send: async (message) => void sent.push(message), close: () => {} };
  let app: FastifyInstance;
  let email: string;
  beforeAll(async () => {
    app = await buildTestApp({ LOG_LEVEL: 'info' }, { mailer, logStream: logs.stream });
    email = (await createUser(app)).email;
  });
  afterAll(async () => app.close());

  /** The address as a client may spell it in the path, each spelling also percent-encoded. */
  const spellings = (address: string) => [address, address.toUpperCase()].flatMap((a) => [a, encodeURIComponent(a)]);

  /** Posts `url`, then the log lines of that request (the background mail included, once sent). */
  async function logged(url: string) {
    const response = await app.inject({ method: 'POST', url });
    const lines = logs.lines.filter((line) => line.reqId === response.headers['x-request-id']);
    return { status: response.statusCode, lines, text: JSON.stringify(lines) };
  }

  it.each([
    ['as it is', (address: string) => `/api/v1/password-recovery/${address}`],
    ['with a trailing slash', (address: string) => `/api/v1/password-recovery/${address}/`],
    ['with a query string', (address: string) => `/api/v1/password-recovery/${address}?again=${address}`],
    ['with the route percent-encoded', (address: string) => `/api/v1/password%2Drecovery/${address}`],
  ])('the address never appears, the path is logged redacted: %s', async (_, url) => {
    for (const address of spellings(email)) {
      const { status, lines, text } = await logged(url(address));
      expect(status).toBe(200);
      expect(lines.find((line) => line.msg === 'incoming request')?.req).toMatchObject({ method: 'POST', url: REDACTED });
      for (const form of spellings(email)) expect(text).not.toContain(form);
      expect(text).not.toContain(email.split('@')[0]);
    }
  });

  it('nor when the address is refused (422), the URL is malformed (400) or only resembles the route (404)', async () => {
    for (const [url, status] of [
      [`/api/v1/password-recovery/${email}@`, 422],
      [`/API/V1/Password-Recovery/${email}`, 404],
      [`/api/v1//password-recovery/${encodeURIComponent(email)}`, 404],
      [`/api/v1/password-recovery/${email}%zz`, 400],
    ] as const) {
      const response = await logged(url);
      expect(response.status).toBe(status);
      for (const form of spellings(email)) expect(response.text).not.toContain(form);
    }
  });

  it('leaves other paths as they are', async () => {
    const { lines } = await logged('/api/v1/users/register?x=1');
    expect(lines.find((line) => line.msg === 'incoming request')?.req).toMatchObject({ url: '/api/v1/users/register?x=1' });
  });

  it('the whole log, the mails sent included, holds no form of the address', async () => {
    await app.close(); // waits for the background mails
    expect(sent.length).toBeGreaterThan(0);
    for (const form of spellings(email)) expect(logs.text()).not.toContain(form);
  });
});
