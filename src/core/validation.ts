// Request validation: Ajv compiles every route schema, and its errors become FastAPI's 422 detail list.
// Bodies are validated strictly (a number is not a string); query, path and headers arrive as text and are coerced.
import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { ValidationIssue } from './errors.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** ajv-formats' `uuid` also takes `urn:uuid:…`, which Postgres refuses (a 500): ours is the plain form only. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function makeAjv(options: Options): Ajv {
  const ajv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true, removeAdditional: false, ...options }));
  return ajv.addFormat('uuid', UUID);
}

const strict = makeAjv({ coerceTypes: false });
const coercing = makeAjv({ coerceTypes: 'array' });

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema as object);

/** FastAPI's location names for Fastify's request parts. */
const LOCATION: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function describe(error: ErrorObject): Omit<ValidationIssue, 'loc'> {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { msg: 'field required', type: 'value_error.missing' };
    case 'format':
      return params.format === 'email'
        ? { msg: 'value is not a valid email address', type: 'value_error.email' }
        : { msg: `value is not a valid ${String(params.format)}`, type: `value_error.${String(params.format)}` };
    case 'maxLength':
      return { msg: `ensure this value has at most ${String(params.limit)} characters`, type: 'value_error.any_str.max_length' };
    case 'minLength':
      return { msg: `ensure this value has at least ${String(params.limit)} characters`, type: 'value_error.any_str.min_length' };
    case 'additionalProperties':
      return { msg: 'extra fields not permitted', type: 'value_error.extra' };
    case 'minimum':
      return { msg: `ensure this value is greater than or equal to ${String(params.limit)}`, type: 'value_error.number.not_ge' };
    case 'maximum':
      return { msg: `ensure this value is less than or equal to ${String(params.limit)}`, type: 'value_error.number.not_le' };
    case 'type': {
      const expected = String(params.type).split(',')[0];
      if (expected === 'object') return { msg: 'value is not a valid dict', type: 'type_error.dict' };
      if (expected === 'string') return { msg: 'str type expected', type: 'type_error.str' };
      if (expected === 'boolean') return { msg: 'value could not be parsed to a boolean', type: 'type_error.bool' };
      if (expected === 'integer') return { msg: 'value is not a valid integer', type: 'type_error.integer' };
      if (expected === 'null') return { msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' };
      return { msg: `value is not a valid ${expected}`, type: `type_error.${expected}` };
    }
    default:
      return { msg: error.message ?? 'invalid value', type: `value_error.${error.keyword}` };
  }
}

/** Ajv errors → FastAPI detail entries: one per field (the first reason), anyOf wrappers dropped. */
export function toValidationIssues(errors: ErrorObject[], context: string): ValidationIssue[] {
  const prefix = LOCATION[context] ?? context;
  const byField = new Map<string, ValidationIssue>();
  for (const error of errors) {
    if (error.keyword === 'anyOf') continue;
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'required') path.push(String((error.params as { missingProperty: string }).missingProperty));
    if (error.keyword === 'additionalProperties') path.push(String((error.params as { additionalProperty: string }).additionalProperty));
    const key = JSON.stringify(path);
    if (byField.has(key)) continue;
    const loc = [prefix, ...path.map((part) => (/^\d+$/.test(part) ? Number(part) : part))];
    byField.set(key, { loc, ...describe(error) });
  }
  return [...byField.values()];
}
