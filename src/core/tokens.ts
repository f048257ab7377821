// Access tokens are short-lived JWTs (jose) naming the user (`sub`) and the login (`sid`); every other token
// (refresh, password reset, e-mail verification) is an opaque random string stored only as its SHA-256 hash.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

export interface AccessTokenSettings {
  secretKey: string;
  algorithm: 'HS256' | 'HS384' | 'HS512';
  ttlSeconds: number;
}

export interface AccessClaims {
  userId: number;
  sessionId: string;
}

const encoder = new TextEncoder();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function createAccessToken(claims: AccessClaims, settings: AccessTokenSettings, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: settings.algorithm, typ: 'JWT' })
    .setSubject(String(claims.userId))
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .setJti(randomUUID())
    .sign(encoder.encode(settings.secretKey));
}

/** The claims of a valid, unexpired token signed with our key and algorithm; undefined for anything else. */
export async function decodeAccessToken(token: string, settings: AccessTokenSettings, now: Date): Promise<AccessClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, encoder.encode(settings.secretKey), {
      algorithms: [settings.algorithm],
      currentDate: now,
      requiredClaims: ['sub', 'exp', 'iat', 'jti', 'sid'],
      clockTolerance: 0,
    });
    const userId = Number(payload.sub);
    const sessionId = payload.sid;
    // Ids are Postgres integers: anything outside 1..2^31-1 names no user (and would make the lookup fail).
    if (!Number.isSafeInteger(userId) || userId < 1 || userId > 2_147_483_647 || String(userId) !== payload.sub) return undefined;
    if (typeof sessionId !== 'string' || !UUID.test(sessionId)) return undefined;
    return { userId, sessionId };
  } catch {
    return undefined;
  }
}

/** 256 random bits, URL-safe: for refresh, password-reset and verification tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores instead of a token: a leaked table gives nothing usable. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
