// The fuzzer's side of a run: the real app on a fresh test database, two logged-in principals (a user and a
// superuser) that are replaced whenever a request breaks them, a write counter in the database, and send(), which
// turns a case into a request, sends it and checks the answer (invariants.ts).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { SignJWT } from 'jose';
import { hashPassword } from '../../src/core/security.js';
import { rowsOf } from '../../src/db/client.js';
import { users, type User } from '../../src/db/schema.js';
import { NO_CLIENT } from '../../src/core/client-info.js';
import { ActionTokenRepository } from '../../src/repositories/action-token.js';
import type { MailMessage } from '../../src/services/mailer.js';
import { buildTestApp } from '../helpers/app.js';
import { randomEmail, randomPassword } from '../helpers/users.js';
import { encodePayload, resolveMarkers, type Markers } from './encode.js';
import { checkResponse, describeExchange, undocumentedStatus, type Exchange, type SentRequest } from './invariants.js';
import { MARK, type RouteSpec } from './route-table.js';
import type { FuzzCase } from './cases.js';

interface Principal {
  user: User;
  access: string;
  refresh: string;
}

/**
 * Row triggers count every insert, update and delete of the four tables: comparing one number before and after a
 * request proves a rejected request wrote nothing, at the cost of one tiny query instead of hashing every row.
 */
const WRITE_COUNTER = [
  'create table fuzz_writes (n bigint not null, last text)',
  'insert into fuzz_writes values (0, null)',
  `create function fuzz_count_write() returns trigger language plpgsql as $$
     begin update fuzz_writes set n = n + 1, last = tg_op || ' ' || tg_table_name; return null; end $$`,
  ...['users', 'sessions', 'refresh_tokens', 'action_tokens'].map(
    (table) => `create trigger fuzz_writes_${table} after insert or update or delete on ${table} for each row execute function fuzz_count_write()`,
  ),
];

export class Fuzzer {
  requests = 0;
  /** Answers by status code: shows how many cases got past validation to the handlers. */
  readonly statuses = new Map<number, number>();
  private readonly stale: Principal[] = [];
  private principals!: { user: Principal; superuser: Principal };
  private hashedPassword = '';
  private readonly password = randomPassword();

  private constructor(
    readonly app: FastifyInstance,
    private readonly mails: MailMessage[],
  ) {}

  static async start(): Promise<Fuzzer> {
    const mails: MailMessage[] = [];
    const mailer = { kind: 'log' as const, send: async (message: MailMessage) => void mails.push(message), close: () => {} };
    // The per-IP limits would turn most of the run into 429s.
    const fuzzer = new Fuzzer(await buildTestApp({ RATE_LIMIT_ENABLED: 'false' }, { mailer }), mails);
    for (const statement of WRITE_COUNTER) await fuzzer.app.db.execute(sql.raw(statement));
    // One Argon2 hash for every principal: replacing a broken principal costs two inserts, no hashing.
    fuzzer.hashedPassword = await hashPassword(fuzzer.password, fuzzer.app.config.argon2);
    fuzzer.principals = { user: await fuzzer.newPrincipal(false), superuser: await fuzzer.newPrincipal(true) };
    // A logged-out principal from the start, so stale tokens are tried before any case has ended a login.
    const loggedOut = await fuzzer.newPrincipal(false);
    await fuzzer.app.auth.logout(loggedOut.user.id, (await fuzzer.app.auth.verify(loggedOut.access))!.sessionId, NO_CLIENT);
    fuzzer.stale.push(loggedOut);
    return fuzzer;
  }

  private async newPrincipal(is_superuser: boolean): Promise<Principal> {
    const values = { email: randomEmail(), hashed_password: this.hashedPassword, is_superuser, is_verified: true };
    const [user] = await this.app.db.insert(users).values(values).returning();
    const pair = (await this.app.auth.login(user!, NO_CLIENT))!;
    return { user: user!, access: pair.access_token, refresh: pair.refresh_token };
  }

  private async writes(): Promise<{ n: number; last: string | null }> {
    const [row] = rowsOf<{ n: string | number; last: string | null }>(await this.app.db.execute(sql`select n, last from fuzz_writes`));
    return { n: Number(row!.n), last: row!.last };
  }

  /** A principal still works when its login is live and its row is as created (a 2xx may have changed either). */
  private async healthy(principal: Principal): Promise<boolean> {
    const found = await this.app.auth.verify(principal.access);
    const user = found?.user;
    const { email, hashed_password, is_superuser } = principal.user;
    return Boolean(user?.is_active && user.email === email && user.hashed_password === hashed_password && user.is_superuser === is_superuser);
  }

  private async repairPrincipals(): Promise<void> {
    for (const role of ['user', 'superuser'] as const) {
      if (await this.healthy(this.principals[role])) continue;
      this.stale.push(this.principals[role]);
      this.principals[role] = await this.newPrincipal(role === 'superuser');
    }
  }

  /** Live e-mailed tokens are issued only when a case asks for one, before the write count is taken. */
  private async markers(fuzzCase: FuzzCase): Promise<Markers> {
    const { user, superuser } = this.principals;
    const text = JSON.stringify([fuzzCase.segments, fuzzCase.auth, fuzzCase.body]);
    const tokens = new ActionTokenRepository(this.app.db, this.app.clock);
    const issue = async (marker: string, purpose: 'password_reset' | 'verify_email') =>
      text.includes(marker) ? tokens.issue(user.user, purpose, 3600) : 'no-token';
    const previous = this.stale.at(-1);
    return {
      [MARK.userEmail]: user.user.email,
      [MARK.password]: this.password,
      [MARK.refresh]: user.refresh,
      [MARK.staleRefresh]: previous?.refresh ?? 'no-stale-token',
      [MARK.resetToken]: await issue(MARK.resetToken, 'password_reset'),
      [MARK.verifyToken]: await issue(MARK.verifyToken, 'verify_email'),
      [MARK.userId]: String(user.user.id),
      [MARK.superuserId]: String(superuser.user.id),
    };
  }

  private async authorization(fuzzCase: FuzzCase, markers: Markers): Promise<string | undefined> {
    const { auth, route } = fuzzCase;
    const { user, superuser } = this.principals;
    switch (auth.kind) {
      case 'route':
        return route.auth === 'none' ? undefined : `Bearer ${(route.auth === 'user' ? user : superuser).access}`;
      case 'user':
      case 'superuser':
        return `Bearer ${this.principals[auth.kind].access}`;
      case 'stale':
        return `Bearer ${(this.stale.at(-1) ?? user).access}`;
      case 'header':
        return auth.value;
      case 'forged': {
        const jwt = new SignJWT({ sid: auth.sid }).setProtectedHeader({ alg: this.app.config.jwtAlgorithm, typ: 'JWT' });
        const now = Math.floor(Date.now() / 1000);
        const token = await jwt.setSubject(resolveMarkers(auth.sub, markers)).setIssuedAt(now).setExpirationTime(now + 600).setJti(randomUUID())
          .sign(new TextEncoder().encode(this.app.config.secretKey));
        return `Bearer ${token}`;
      }
    }
  }

  /** Sends the case; throws an error that shows the request and the answer when an invariant does not hold. */
  async send(fuzzCase: FuzzCase): Promise<void> {
    const markers = await this.markers(fuzzCase);
    const path = fuzzCase.route.path.replace(/\{(\w+)\}/g, (_all, name: string) => resolveMarkers(fuzzCase.segments[name] ?? '', markers));
    const authorization = await this.authorization(fuzzCase, markers);
    const headers: Record<string, string> = {
      ...fuzzCase.headers,
      ...(fuzzCase.contentType !== undefined && { 'content-type': fuzzCase.contentType }),
      ...(authorization !== undefined && { authorization }),
    };
    const payload = encodePayload(fuzzCase, markers);
    const request = { method: fuzzCase.method, url: path + fuzzCase.query, headers, payload };
    const before = await this.writes();
    this.requests += 1;
    const response = await this.app.inject({ ...request, method: request.method as HTTPMethods });
    this.statuses.set(response.statusCode, (this.statuses.get(response.statusCode) ?? 0) + 1);
    const after = await this.writes();
    const dbWrites = after.n === before.n ? undefined : `${after.n - before.n} row(s), the last ${after.last}`;
    const exchange: Exchange = { route: fuzzCase.route, request, response, dbWrites };
    const problems = [...checkResponse(exchange), ...undocumentedStatus(exchange, this.documented(fuzzCase.route, request))];
    if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${describeExchange(exchange)}`);
    if (response.statusCode < 300) await this.afterSuccess(fuzzCase, exchange, markers);
  }

  /**
   * The statuses the OpenAPI document lists for the operations the request may have reached (its method, or a
   * fuzzed one, on any path template its path fits: `/users/{user_id}` fits `/users/me` too); undefined when it
   * reached none (the document leaves out docs and pages; an unknown method or path is the 404 handler's).
   */
  private documented(route: RouteSpec, request: SentRequest): string[] | undefined {
    if (route.asset || route.path === '/{rest}' || route.path === '/openapi.json') return undefined;
    const paths = (this.app.swagger() as unknown as { paths: Record<string, Record<string, { responses: object }>> }).paths;
    const method = request.method === 'HEAD' ? 'get' : request.method.toLowerCase();
    const path = request.url.split('?', 1)[0]!.replace(/(?<=.)\/+$/, '');
    const reached = Object.entries(paths)
      .filter(([template, operations]) => operations[method] && new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`).test(path))
      .flatMap(([, operations]) => Object.keys(operations[method]!.responses));
    return reached.length > 0 ? reached : undefined;
  }

  private async afterSuccess(fuzzCase: FuzzCase, { request, response }: Exchange, markers: Markers): Promise<void> {
    const sentRefresh = request.payload !== undefined && request.payload.toString().includes(markers[MARK.refresh]!);
    if (fuzzCase.route.path === '/api/v1/login/refresh' && sentRefresh) this.principals.user.refresh = response.json().refresh_token;
    if (await this.mailExpected(fuzzCase, request.url, response.body)) await this.nextMail();
    if (!['GET', 'HEAD'].includes(request.method)) await this.repairPrincipals();
  }

  /** Whether the 200 left an e-mail (and its token insert) running after the response. */
  private async mailExpected(fuzzCase: FuzzCase, url: string, body: string): Promise<boolean> {
    if (fuzzCase.route.background === 'verification') return body.includes('Verification email sent');
    if (fuzzCase.route.background !== 'recovery') return false;
    let email: string;
    try {
      email = decodeURIComponent(url.slice('/api/v1/password-recovery/'.length).split('?')[0]!.replace(/\/$/, ''));
    } catch {
      return false;
    }
    if (email.includes('\u0000')) return false; // not an address the route accepts, and a query error here
    const found = await this.app.db.execute(sql`select 1 from users where lower(email) = lower(${email.trim()}) and is_active`);
    return rowsOf(found).length > 0;
  }

  private async nextMail(): Promise<void> {
    const count = this.mails.length;
    const deadline = Date.now() + 5_000;
    while (this.mails.length === count) {
      if (Date.now() > deadline) throw new Error('a background e-mail never went out');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}
