// The web pages' log-in: their refresh token lives in an HttpOnly cookie that scripts cannot read (an XSS cannot
// steal a long-lived credential), sent only to the refresh route (Path) and never by other sites (SameSite=Strict).
// Requests that use it must carry `X-CNLearn-Client: web`: a page of another origin cannot add a custom header
// without a CORS preflight this service refuses, so the header is the CSRF defence on top of SameSite.
import type {} from '@fastify/cookie'; // reply.setCookie, request.cookies
import type { FastifyReply, FastifyRequest } from 'fastify';

export const WEB_CLIENT_HEADER = 'x-cnlearn-client';
export const REFRESH_COOKIE = 'cnlearn_refresh';
export const REFRESH_COOKIE_PATH = '/api/v1/login/refresh';

/** Browsers keep Secure cookies from plain-HTTP localhost (a secure context), not from other plain-HTTP hosts. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isWebClient(request: FastifyRequest): boolean {
  return request.headers[WEB_CLIENT_HEADER]?.toString().trim().toLowerCase() === 'web';
}

/** Secure unless the request came over plain HTTP to this machine (development: `npm start`, `npm run dev:web`). */
function cookieOptions(request: FastifyRequest) {
  const local = request.protocol === 'http' && LOCAL_HOSTS.has(request.hostname.toLowerCase());
  return { httpOnly: true, sameSite: 'strict' as const, path: REFRESH_COOKIE_PATH, secure: !local };
}

export function setRefreshCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  reply.setCookie(REFRESH_COOKIE, token, { ...cookieOptions(request), maxAge: maxAgeSeconds });
}

export function clearRefreshCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(REFRESH_COOKIE, cookieOptions(request));
}
