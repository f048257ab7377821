// What every answer must satisfy, whatever was sent: no 5xx; no password hash, stack trace, file path or internal
// error name in the body; errors in FastAPI's `{ "detail": … }` shape; and no database write by a rejected request.
import type { LightMyRequestResponse } from 'fastify';
import { preview } from './cases.js';
import type { RouteSpec } from './route-table.js';

export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
}

export interface Exchange {
  route: RouteSpec;
  request: SentRequest;
  response: LightMyRequestResponse;
  /** Rows the request inserted, updated or deleted, when it did. */
  dbWrites: string | undefined;
}

const LEAKS: [RegExp, string][] = [
  [/argon2/, 'an Argon2 hash'],
  [/\$2[aby]\$/, 'a bcrypt hash'],
  [/hashed_password/, 'the hashed_password column'],
  [/\n\s+at /, 'a stack frame'],
  [/node_modules/, 'a node_modules path'],
  [/\b\w*Error: /, 'a JavaScript error message'],
  [/FST_ERR_/, 'a Fastify error code'],
  [/\/[\w.-]+\/[\w/.-]+\.[cm]?[jt]s:\d+/, 'a source file position'],
];

function isIssue(issue: unknown): boolean {
  const { loc, msg, type } = (issue ?? {}) as Record<string, unknown>;
  return Array.isArray(loc) && loc.every((part) => ['string', 'number'].includes(typeof part)) && typeof msg === 'string' && typeof type === 'string';
}

/** `{ "detail": "…" }` or FastAPI's 422 list, as JSON, and nothing else. */
function errorShapeProblem(response: LightMyRequestResponse): string | undefined {
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) return 'an error body that is not JSON';
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return 'an error body that does not parse as JSON';
  }
  const keys = body !== null && typeof body === 'object' ? Object.keys(body) : [];
  if (keys.length !== 1 || keys[0] !== 'detail') return 'an error body other than { detail }';
  const { detail } = body as { detail: unknown };
  if (typeof detail === 'string' || (Array.isArray(detail) && detail.length > 0 && detail.every(isIssue))) return undefined;
  return 'a detail that is neither a string nor a list of { loc, msg, type }';
}

/** The body without the `loc` of 422 issues: those name the client's own keys (`hashed_password` among them). */
function withoutEchoedKeys(body: string): string {
  try {
    const { detail } = JSON.parse(body) as { detail?: unknown };
    if (Array.isArray(detail)) return JSON.stringify(detail.map((issue) => ({ ...(issue as object), loc: [] })));
  } catch {
    // not JSON: checked as it is
  }
  return body;
}

export function checkResponse({ route, request, response, dbWrites }: Exchange): string[] {
  const problems: string[] = [];
  const status = response.statusCode;
  if (status >= 500) problems.push(`status ${status}`);
  // Swagger UI's own scripts legitimately contain "Error: " and the like; its error answers are still checked.
  if (!route.asset || status >= 400) {
    const body = withoutEchoedKeys(response.body);
    for (const [pattern, what] of LEAKS) if (pattern.test(body)) problems.push(`${what} in the body`);
  }
  if (status >= 400 && request.method !== 'HEAD') {
    const shape = errorShapeProblem(response);
    if (shape) problems.push(shape);
  }
  if (status >= 400 && dbWrites) problems.push(`the database changed although the request was refused (${status}): ${dbWrites}`);
  return problems;
}

/**
 * The answer's status is one the OpenAPI document lists for the route, so generated clients know every answer.
 * The router's own refusals (an unknown path, a malformed or over-long URL) come before any route and are not.
 */
export function undocumentedStatus({ response }: Exchange, documented: string[] | undefined): string[] {
  if (!documented) return [];
  const status = String(response.statusCode);
  const byRouter = status === '414' || ((status === '404' || status === '400') && /^\{"detail":"(Not Found|Malformed URL)"\}$/.test(response.body));
  return documented.includes(status) || byRouter ? [] : [`status ${status}, which the OpenAPI document does not list for this route`];
}

function showPayload(payload: string | Buffer | undefined): string {
  if (payload === undefined) return '(none)';
  if (typeof payload === 'string') return `${preview(payload, 1000)} (${payload.length} chars)`;
  return payload.length <= 1500 ? `Buffer.from('${payload.toString('base64')}', 'base64')` : `${payload.length} bytes`;
}

/** The request as it went out (enough to replay it with app.inject) and what came back. */
export function describeExchange({ request, response, dbWrites }: Exchange): string {
  return [
    `request: ${request.method} ${preview(request.url, 300)}`,
    `  headers: ${preview(request.headers, 600)}`,
    `  payload: ${showPayload(request.payload)}`,
    `response: ${response.statusCode} ${String(response.headers['content-type'] ?? '')}`,
    `  body: ${preview(response.body, 600)}`,
    `  database writes: ${dbWrites ?? 'none'}`,
  ].join('\n');
}
