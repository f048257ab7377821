// The one way the pages talk to the API: openapi-fetch over the types generated from the service's OpenAPI
// document (api-schema.d.ts, `npm run api:generate`), plus what every call needs:
// - the access token, kept in this module's memory only (never in localStorage/sessionStorage, where any
//   script on the page could read it); the refresh token is an HttpOnly cookie the pages never see;
// - `X-CNLearn-Client: web`, which tells the API to use that cookie (and which a cross-site form cannot send);
// - on a 401 to a call that carried a token, one silent refresh and one retry;
// - the API's errors ({detail}, 422 lists, 429 with Retry-After) turned into what a form shows.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-schema';

export const CLIENT_HEADER = 'X-CNLearn-Client';
const REFRESH_PATH = '/api/v1/login/refresh';

let accessToken: string | null = null;

export function getAccessToken(): string | null {
  return accessToken;
}

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

/** Told when a refresh fails: the login is over (expired, revoked, or ended elsewhere). */
const sessionEndedListeners = new Set<() => void>();

export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

let refreshing: Promise<string | null> | null = null;

/**
 * Exchanges the refresh cookie for a new access token (and a rotated cookie). Concurrent callers share one
 * request: refresh tokens are single-use, and a second request with the same cookie would count as a replay,
 * which ends the whole login.
 */
export function refreshAccessToken(): Promise<string | null> {
  refreshing ??= withRefreshLock(async () => {
    try {
      const response = await fetch(REFRESH_PATH, {
        method: 'POST',
        headers: { [CLIENT_HEADER]: 'web' },
        credentials: 'same-origin',
      });
      if (!response.ok) {
        // 401: no valid cookie, the login is over. Anything else (429, 5xx): keep the token we have.
        if (response.status === 401) endSession();
        return null;
      }
      const body = (await response.json()) as { access_token: string };
      accessToken = body.access_token;
      return accessToken;
    } catch {
      // Unreachable server: keep what we have; the next call will tell.
      return null;
    }
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Runs a refresh while holding a lock shared by every tab of this site: tabs share the cookie, and two tabs
 * refreshing at once (a browser restoring its tabs) would present the same token twice. The second tab then
 * waits, and sends the cookie the first one received.
 */
async function withRefreshLock<T>(refresh: () => Promise<T>): Promise<T> {
  return 'locks' in navigator ? await navigator.locks.request('cnlearn-refresh', refresh) : refresh();
}

function endSession(): void {
  const hadToken = accessToken !== null;
  accessToken = null;
  if (hadToken) for (const listener of sessionEndedListeners) listener();
}

/** Copies of bearer requests, kept until their answer is known, so a 401 can be retried once. */
const retryable = new Map<string, Request>();

const authMiddleware: Middleware = {
  onRequest({ request, id }) {
    request.headers.set(CLIENT_HEADER, 'web');
    if (accessToken !== null) {
      request.headers.set('Authorization', `Bearer ${accessToken}`);
      retryable.set(id, request.clone());
    }
    return request;
  },
  async onResponse({ response, id }) {
    const copy = retryable.get(id);
    retryable.delete(id);
    if (response.status !== 401 || copy === undefined) return response;
    const sent = copy.headers.get('Authorization');
    // Another call may have refreshed already while this one was in flight.
    const token = accessToken !== null && sent !== `Bearer ${accessToken}` ? accessToken : await refreshAccessToken();
    if (token === null) return response;
    copy.headers.set('Authorization', `Bearer ${token}`);
    const retried = await fetch(copy);
    if (retried.status === 401) endSession();
    return retried;
  },
  onError({ id }) {
    retryable.delete(id);
  },
};

export const api = createClient<paths>({ credentials: 'same-origin' });
api.use(authMiddleware);

/** Serialises a body as application/x-www-form-urlencoded (the OAuth2 password form of the log-in route). */
export function formBody(body: Record<string, string | undefined>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) if (value !== undefined) form.set(name, value);
  return form.toString();
}

// Types of the API, named after paths and operations (not schema names), so they survive a regeneration.
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type User = Json<paths['/api/v1/users/me']['get']['responses'][200]>;
export type SecurityEvent = Json<paths['/api/v1/users/me/events']['get']['responses'][200]>[number];

/** What a form shows for a failed call: one message for the form, and one per field. */
export interface FormErrors {
  formError?: string;
  fieldErrors: Record<string, string>;
}

/** A failed API call. `status` 0: the server could not be reached. */
export class ApiError extends Error implements FormErrors {
  readonly status: number;
  readonly formError?: string;
  readonly fieldErrors: Record<string, string>;

  constructor(status: number, errors: FormErrors) {
    super(errors.formError ?? (Object.values(errors.fieldErrors).join(' ') || `HTTP ${status}`));
    this.name = 'ApiError';
    this.status = status;
    if (errors.formError !== undefined) this.formError = errors.formError;
    this.fieldErrors = errors.fieldErrors;
  }
}

export const NETWORK_ERROR = 'Could not reach the server. Check your connection and try again.';
const LOCATIONS = new Set(['body', 'query', 'path', 'header']);

function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(1, Math.ceil((date - Date.now()) / 1000));
}

/** Maps an error answer of the API to form errors: `{detail: "…"}`, 422 `{detail: [{loc, msg}]}`, 429. */
export function toApiError(response: Response, body: unknown): ApiError {
  const { status } = response;
  if (status === 429) {
    const seconds = retryAfterSeconds(response.headers.get('Retry-After'));
    const formError =
      seconds === undefined
        ? 'Too many attempts. Try again in a moment.'
        : `Too many attempts. Try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
    return new ApiError(status, { formError, fieldErrors: {} });
  }
  const detail = (body as { detail?: unknown } | undefined)?.detail;
  if (typeof detail === 'string') return new ApiError(status, { formError: detail, fieldErrors: {} });
  if (Array.isArray(detail)) {
    const fieldErrors: Record<string, string> = {};
    const general: string[] = [];
    for (const issue of detail as { loc?: unknown[]; msg?: unknown }[]) {
      const msg = typeof issue.msg === 'string' ? issue.msg : 'invalid value';
      const last = issue.loc?.at(-1);
      if (typeof last === 'string' && !LOCATIONS.has(last)) fieldErrors[last] ??= msg;
      else general.push(msg);
    }
    return new ApiError(status, { ...(general.length ? { formError: general.join(' ') } : {}), fieldErrors });
  }
  const formError =
    status >= 500 ? 'The server had a problem. Try again in a moment.' : `The request failed (HTTP ${status}).`;
  return new ApiError(status, { formError, fieldErrors: {} });
}

/**
 * The data of an openapi-fetch answer, or an ApiError. Network failures become an ApiError too (status 0),
 * so every caller handles one kind of error.
 */
export async function unwrap<D>(call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  let result: { data?: D; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiError(0, { formError: NETWORK_ERROR, fieldErrors: {} });
  }
  if (!result.response.ok) throw toApiError(result.response, result.error);
  return result.data as D;
}

/**
 * The errors a form shows for `error`: field errors for the fields it has (by API name, or renamed with
 * `aliases`, e.g. the log-in form's `username` is its Email field), the rest folded into the form's message.
 */
export function formErrors(
  error: unknown,
  fields: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): FormErrors {
  if (error === null || error === undefined) return { fieldErrors: {} };
  if (!(error instanceof ApiError)) return { formError: 'Something went wrong. Please try again.', fieldErrors: {} };
  const fieldErrors: Record<string, string> = {};
  const rest: string[] = [];
  for (const [name, msg] of Object.entries(error.fieldErrors)) {
    const field = aliases[name] ?? name;
    if (fields.includes(field)) fieldErrors[field] ??= msg;
    else rest.push(`${name.replace(/_/g, ' ')}: ${msg}`);
  }
  const messages = [error.formError, ...rest].filter((m): m is string => m !== undefined);
  if (messages.length === 0 && Object.keys(fieldErrors).length > 0) messages.push('Please correct the fields marked below.');
  return { ...(messages.length ? { formError: messages.join(' ') } : {}), fieldErrors };
}
