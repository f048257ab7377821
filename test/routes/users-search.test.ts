// GET /api/v1/users/?q=: the admin page's search by e-mail address. Each test's addresses share a random tag, so
// the other users in the database never match.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import { containsPattern } from '../../src/repositories/user.js';
import { buildTestApp } from '../helpers/app.js';
import { normalUserTokenHeaders, superuserTokenHeaders } from '../helpers/auth.js';

type Headers = { authorization: string };
let app: FastifyInstance;
let admin: Headers;

beforeAll(async () => {
  app = await buildTestApp();
  admin = (await superuserTokenHeaders(app)).headers;
});
afterAll(async () => {
  await app.close();
});

/** Users that never log in (no Argon2 hash), with the given local parts and a fresh tag; returns the tag. */
async function insertTagged(...localParts: string[]): Promise<string> {
  const tag = `t${randomBytes(5).toString('hex')}`;
  await app.db.insert(users).values(localParts.map((local) => ({ email: `${tag}${local}@example.com`, hashed_password: 'no login' })));
  return tag;
}

async function search(q: string, page: { skip?: number; limit?: number } = {}) {
  const query = new URLSearchParams({ q, ...Object.fromEntries(Object.entries(page).map(([key, value]) => [key, String(value)])) });
  const response = await app.inject({ url: `/api/v1/users/?${query}`, headers: admin });
  expect(response.statusCode, response.body).toBe(200);
  const { data, count } = response.json() as { data: { email: string }[]; count: number };
  return { emails: data.map((user) => user.email), count };
}

describe('GET /api/v1/users/?q=', () => {
  it('keeps the users whose address contains q, ignoring letter case, and counts only those', async () => {
    const tag = await insertTagged('.alice', '.Bob', '.alicia');
    const all = await search(tag);
    expect(all.count).toBe(3);
    expect(all.emails).toHaveLength(3);
    expect(await search(`${tag}.ALI`)).toEqual({ emails: [`${tag}.alice@example.com`, `${tag}.alicia@example.com`], count: 2 });
    expect(await search(`${tag}.bob@EXAMPLE.com`)).toEqual({ emails: [`${tag}.Bob@example.com`], count: 1 });
    expect(await search(`${tag}.carol`)).toEqual({ emails: [], count: 0 });
  });

  it('takes %, _ and \\ literally', async () => {
    const tag = await insertTagged('a%b', 'a_b', 'axb', 'ab');
    expect((await search(`${tag}a%b`)).emails).toEqual([`${tag}a%b@example.com`]);
    expect((await search(`${tag}a_b`)).emails).toEqual([`${tag}a_b@example.com`]);
    expect((await search(`${tag}%`)).emails).toEqual([]); // no address has "%" right after the tag
    expect((await search(`${tag}a%`)).emails).toEqual([`${tag}a%b@example.com`]);
    for (const q of ['\\', `${tag}a\\%b`, `${tag}\\`, '\\_', '%%', '__________________________________________________']) {
      expect((await search(q)).count, q).toBe(0);
    }
  });

  it('pages through the matches; count stays the number of all matches', async () => {
    const tag = await insertTagged('.1', '.2', '.3', '.4', '.5');
    const first = await search(tag, { limit: 2 });
    const rest = await search(tag, { skip: 2, limit: 10 });
    expect([first.count, rest.count]).toEqual([5, 5]);
    expect([...first.emails, ...rest.emails]).toEqual([1, 2, 3, 4, 5].map((n) => `${tag}.${n}@example.com`));
  });

  it('an empty q lists everyone; q longer than an address → 422; normal users → 403', async () => {
    const everyone = await app.inject({ url: '/api/v1/users/', headers: admin });
    expect((await search('')).count).toBe(everyone.json().count);
    const long = await app.inject({ url: `/api/v1/users/?q=${'a'.repeat(255)}`, headers: admin });
    expect(long.statusCode).toBe(422);
    expect(long.json().detail[0].loc).toEqual(['query', 'q']);
    const normal = await normalUserTokenHeaders(app);
    expect((await app.inject({ url: '/api/v1/users/?q=a', headers: normal.headers })).statusCode).toBe(403);
  });
});

describe('containsPattern', () => {
  it('escapes the LIKE wildcards and the escape character', () => {
    expect(containsPattern('plain')).toBe('%plain%');
    expect(containsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
  });
});
