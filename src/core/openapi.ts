// The OpenAPI document as client generators need it (openapi-typescript for the pages, openapi-generator, FastAPI's
// own conventions): an operationId per operation, named component schemas behind $ref, every status the service
// can answer with a description, the server's URL and explicit `security: []` on public operations. The routes
// keep declaring what is theirs (bodies, success and domain errors); what every route shares is added here.
import type { FastifySchema, RouteOptions } from 'fastify';
import { HttpError, ValidationError } from '../schemas/common.js';

type Json = Record<string, unknown>;

/** FastAPI's operationIds are the handlers' snake_case names: registerUser → register_user. */
export function operationIdOf(handlerName: string): string {
  return handlerName.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** Component names that differ from the schema titles (which keep the original service's names). */
const COMPONENT_NAMES: Record<string, string> = { User: 'UserPublic' };

/** What each status means when the route does not say more. */
const DESCRIPTIONS: Record<string, string> = {
  200: 'Successful Response',
  201: 'Created',
  204: 'No Content',
  400: 'Bad Request: `detail` says why',
  401: 'Not authenticated, or the token is malformed, expired or revoked',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request body too large (BODY_LIMIT_BYTES)',
  415: 'Unsupported Media Type',
  422: 'Validation Error',
  429: 'Too many requests: retry after Retry-After seconds',
  503: 'Database unavailable: retry after Retry-After seconds',
};

/** Route schema key: the request body may be left out (see finishDocument). */
export const OPTIONAL_BODY = 'x-optional-body';

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

/** Methods whose requests carry a body, which Fastify reads (and may refuse) whether or not the route takes one. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * One route's schema as documented: its operationId, `security: []` when it needs no token, and the answers any
 * such route can give before its handler runs: 422 for text Postgres cannot store in the query or path (checked on
 * every route, plugins/errors.ts); with a body, 400 (malformed JSON), 413 (too large) and 415 (not JSON or the
 * route's form); 503 on /api (the database is down).
 */
export function documentRoute(schema: FastifySchema & Json, route: Pick<RouteOptions, 'handler' | 'url' | 'method'>): FastifySchema & Json {
  const response = { ...(schema.response as Json | undefined) };
  response[422] ??= ValidationError;
  if ([route.method].flat().some((method) => BODY_METHODS.has(method))) {
    for (const status of [400, 413, 415]) response[status] ??= HttpError;
  }
  if (route.url.startsWith('/api/')) response[503] ??= HttpError;
  return { ...schema, operationId: operationIdOf(route.handler.name), security: schema.security ?? [], response };
}

/** A stable serialisation, to tell whether two schemas with one name are the same schema. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Replaces, depth first, every schema with a `title` by a $ref to components/schemas/<name>, so generated clients get
 * one named type per schema. Its `description` stays where it was used (it describes the use, a response or a
 * field). Two different schemas under one name are a mistake: throws.
 */
function hoistNamedSchemas(node: unknown, schemas: Json): unknown {
  if (Array.isArray(node)) return node.map((item) => hoistNamedSchemas(item, schemas));
  if (!node || typeof node !== 'object') return node;
  const copy: Json = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, hoistNamedSchemas(value, schemas)]));
  if (typeof copy.title !== 'string' || !('type' in copy || 'anyOf' in copy)) return copy;
  const { description, title, ...schema } = copy;
  const name = COMPONENT_NAMES[title] ?? title;
  const named = { title: name, ...schema };
  const known = schemas[name];
  if (known && canonical(known) !== canonical(named)) throw new Error(`OpenAPI: two different schemas are named ${name}`);
  schemas[name] = named;
  return { $ref: `#/components/schemas/${name}`, ...(description !== undefined && { description }) };
}

/** The finished document: servers, named schemas, a description (and Retry-After) on every response. */
export function finishDocument(document: Json, publicUrl: string): Json {
  const components = (document.components ?? {}) as Json;
  const schemas: Json = { ...(components.schemas as Json | undefined) };
  const paths = hoistNamedSchemas(document.paths, schemas) as Record<string, Record<string, Json>>;
  for (const operation of Object.values(paths).flatMap((item) => Object.values(item))) {
    // Fastify requires a body wherever a body schema is declared; a route that reads it only from some clients
    // (refresh: web clients send none) says so with `x-optional-body` in its schema.
    if (operation[OPTIONAL_BODY]) (operation.requestBody as Json).required = false;
    delete operation[OPTIONAL_BODY];
    for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
      if (response.description === 'Default Response') response.description = DESCRIPTIONS[status] ?? 'Response';
      if (status === '429' || status === '503') response.headers = { ...RETRY_AFTER, ...(response.headers as Json | undefined) };
      // A response schema's description is the response's (swagger copied it there): not repeated beside its $ref.
      for (const media of Object.values((response.content ?? {}) as Record<string, { schema?: Json }>)) {
        if (media.schema?.$ref && media.schema.description === response.description) delete media.schema.description;
      }
    }
  }
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return { ...document, servers: [{ url: publicUrl }], paths, components: { ...components, schemas: sorted } };
}
