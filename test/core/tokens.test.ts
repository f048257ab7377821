// Access tokens (JWTs naming the user and the login) and the opaque tokens stored only as their SHA-256.
import { randomUUID } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAccessToken, decodeAccessToken, hashToken, randomToken, type AccessTokenSettings } from '../../src/core/tokens.js';

const settings: AccessTokenSettings = { secretKey: 'a test secret key that is long enough', algorithm: 'HS256', ttlSeconds: 600 };
const now = new Date('2026-03-01T12:00:00.500Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const claims = { userId: 42, sessionId: randomUUID() };

/** A token signed with our key and algorithm carrying exactly `payload`: what decodeAccessToken must judge. */
function signed(payload: JWTPayload, { key = settings.secretKey, alg = settings.algorithm } = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(key));
}

/** Every claim createAccessToken sets, valid at `now`. */
const complete = (): JWTPayload => ({ sub: '42', sid: claims.sessionId, iat: nowSeconds, exp: nowSeconds + 600, jti: randomUUID() });

describe('createAccessToken', () => {
  it('names the user and the login, issued now, expiring after the TTL, with a fresh id', async () => {
    const token = await createAccessToken(claims, settings, now);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const payload = decodeJwt(token);
    expect(payload).toEqual({ sub: '42', sid: claims.sessionId, iat: nowSeconds, exp: nowSeconds + 600, jti: expect.any(String) });
    expect(payload.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(decodeJwt(await createAccessToken(claims, settings, now)).jti).not.toBe(payload.jti);
  });

  it('signs with the configured algorithm', async () => {
    const hs512 = { ...settings, algorithm: 'HS512' as const };
    const token = await createAccessToken(claims, hs512, now);
    expect(decodeProtectedHeader(token).alg).toBe('HS512');
    expect(await decodeAccessToken(token, hs512, now)).toEqual(claims);
  });
});

describe('decodeAccessToken', () => {
  it('returns the claims of its own token until the second it expires', async () => {
    const token = await createAccessToken(claims, settings, now);
    expect(await decodeAccessToken(token, settings, now)).toEqual(claims);
    expect(await decodeAccessToken(token, settings, new Date((nowSeconds + 599) * 1000 + 999))).toEqual(claims);
    // No clock tolerance: at exp the token is dead.
    expect(await decodeAccessToken(token, settings, new Date((nowSeconds + 600) * 1000))).toBeUndefined();
    expect(await decodeAccessToken(token, settings, later(3600))).toBeUndefined();
  });

  it('refuses a token signed with another key or another algorithm', async () => {
    const token = await createAccessToken(claims, settings, now);
    expect(await decodeAccessToken(token, { ...settings, secretKey: 'another secret key, also long enough' }, now)).toBeUndefined();
    expect(await decodeAccessToken(token, { ...settings, algorithm: 'HS384' }, now)).toBeUndefined();
    expect(await decodeAccessToken(await signed(complete(), { alg: 'HS384' }), settings, now)).toBeUndefined();
  });

  it('accepts a token carrying every required claim (the control for the tests below)', async () => {
    expect(await decodeAccessToken(await signed(complete()), settings, now)).toEqual(claims);
  });

  it.each(['sub', 'exp', 'iat', 'jti', 'sid'])('refuses a token without `%s`', async (claim) => {
    const payload = complete();
    delete payload[claim];
    expect(await decodeAccessToken(await signed(payload), settings, now)).toBeUndefined();
  });

  it('refuses subjects that name no Postgres integer id', async () => {
    for (const sub of ['0', '-1', '2147483648', '9007199254740993', '1.5', '1e3', '01', ' 1', 'abc', '']) {
      expect(await decodeAccessToken(await signed({ ...complete(), sub }), settings, now), sub).toBeUndefined();
    }
    expect(await decodeAccessToken(await signed({ ...complete(), sub: '1' }), settings, now)).toEqual({ ...claims, userId: 1 });
    expect(await decodeAccessToken(await signed({ ...complete(), sub: '2147483647' }), settings, now)).toEqual({
      ...claims,
      userId: 2_147_483_647,
    });
  });

  it('refuses a session id that is not a UUID', async () => {
    const sids = [42, '', 'not-a-uuid', `${claims.sessionId}x`, `x${claims.sessionId}`, claims.sessionId.replaceAll('-', ''), [claims.sessionId]];
    for (const sid of sids) {
      expect(await decodeAccessToken(await signed({ ...complete(), sid }), settings, now), String(sid)).toBeUndefined();
    }
    const upper = claims.sessionId.toUpperCase();
    expect(await decodeAccessToken(await signed({ ...complete(), sid: upper }), settings, now)).toEqual({ ...claims, sessionId: upper });
  });

  it('returns undefined, never throws, for text that is no token at all', async () => {
    for (const token of ['', 'abc', 'a.b.c', 'Bearer x']) expect(await decodeAccessToken(token, settings, now)).toBeUndefined();
  });
});

describe('randomToken / hashToken', () => {
  it('makes 256-bit URL-safe tokens, a new one each time', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => randomToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores the hex SHA-256 of a token', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashToken('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
