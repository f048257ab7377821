// Request validation: bodies strict, other parts coerced from text, and Ajv's errors as FastAPI's detail list.
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { toValidationIssues, validatorCompiler } from '../../src/core/validation.js';

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
const compile = (schema: object, httpPart: string) => validatorCompiler({ schema, httpPart, method: 'POST', url: '/' }) as Validate;

/** Validates `data` against `schema` as the request part `httpPart`; the 422 entries it would answer. */
function issues(schema: object, data: unknown, httpPart = 'body') {
  const validate = compile(schema, httpPart);
  return validate(data) ? [] : toValidationIssues(validate.errors ?? [], httpPart);
}

const user = {
  type: 'object',
  required: ['email', 'password'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', format: 'email' },
    password: { type: 'string', minLength: 8, maxLength: 40 },
    full_name: { anyOf: [{ type: 'string', maxLength: 5 }, { type: 'null' }] },
    age: { type: 'integer', minimum: 1, maximum: 150 },
    is_active: { type: 'boolean', default: true },
    site: { type: 'string', format: 'uri' },
    tags: { type: 'array', items: { type: 'string' } },
    score: { type: 'number' },
    nested: { type: 'object', properties: { flag: { type: 'boolean' } } },
    code: { type: 'string', pattern: '^[a-z]+$' },
  },
};
const valid = { email: 'mei@example.com', password: 'long enough' };

describe('validatorCompiler', () => {
  it('validates bodies strictly: no coercion from strings', () => {
    expect(issues(user, { ...valid, age: '3' })).toEqual([{ loc: ['body', 'age'], msg: 'value is not a valid integer', type: 'type_error.integer' }]);
    expect(issues(user, { ...valid, is_active: 'true' })).toEqual([
      { loc: ['body', 'is_active'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' },
    ]);
  });

  it('coerces query strings, path and headers from text, arrays included', () => {
    const query = { type: 'object', properties: { skip: { type: 'integer' }, ids: { type: 'array', items: { type: 'integer' } } } };
    const validate = compile(query, 'querystring');
    const data = { skip: '10', ids: '7' };
    expect(validate(data)).toBe(true);
    expect(data).toEqual({ skip: 10, ids: [7] });
    expect(compile(query, 'params')({ skip: '3' })).toBe(true);
    expect(compile(query, 'headers')({ skip: '3' })).toBe(true);
  });

  it('fills defaults and keeps unknown fields for additionalProperties to judge', () => {
    const data: Record<string, unknown> = { ...valid };
    expect(compile(user, 'body')(data)).toBe(true);
    expect(data.is_active).toBe(true);
    const open = { type: 'object', properties: { a: { type: 'string' } } };
    const extra = { a: 'x', b: 'kept' };
    expect(compile(open, 'body')(extra)).toBe(true);
    expect(extra).toEqual({ a: 'x', b: 'kept' });
  });

  it('reports every invalid field at once, not only the first', () => {
    expect(issues(user, { email: 'not an address', password: 'short' }).map((issue) => issue.loc)).toEqual([
      ['body', 'email'],
      ['body', 'password'],
    ]);
  });

  it('knows the formats of ajv-formats and tolerates keywords it does not know', () => {
    expect(issues(user, { ...valid, site: 'https://cnlearn.app/' })).toEqual([]);
    expect(issues({ type: 'string', 'x-internal': true, summary: 'annotations only' }, 'text')).toEqual([]);
  });
});

describe('toValidationIssues', () => {
  it('describes each failing keyword as FastAPI does', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ email: 'mei@example.com' }, 'field required', 'value_error.missing'],
      [{ ...valid, email: 'mei' }, 'value is not a valid email address', 'value_error.email'],
      [{ ...valid, site: 'not a uri' }, 'value is not a valid uri', 'value_error.uri'],
      [{ ...valid, password: 'x'.repeat(41) }, 'ensure this value has at most 40 characters', 'value_error.any_str.max_length'],
      [{ ...valid, password: 'short' }, 'ensure this value has at least 8 characters', 'value_error.any_str.min_length'],
      [{ ...valid, surprise: 1 }, 'extra fields not permitted', 'value_error.extra'],
      [{ ...valid, age: 0 }, 'ensure this value is greater than or equal to 1', 'value_error.number.not_ge'],
      [{ ...valid, age: 151 }, 'ensure this value is less than or equal to 150', 'value_error.number.not_le'],
      [{ ...valid, nested: [] }, 'value is not a valid dict', 'type_error.dict'],
      [{ ...valid, email: 7 }, 'str type expected', 'type_error.str'],
      [{ ...valid, is_active: 1 }, 'value could not be parsed to a boolean', 'type_error.bool'],
      [{ ...valid, age: 1.5 }, 'value is not a valid integer', 'type_error.integer'],
      [{ ...valid, tags: 'a' }, 'value is not a valid array', 'type_error.array'],
      [{ ...valid, score: 'high' }, 'value is not a valid number', 'type_error.number'],
      [{ ...valid, code: 'ABC' }, 'must match pattern "^[a-z]+$"', 'value_error.pattern'],
    ];
    for (const [data, msg, type] of cases) {
      const [issue, ...rest] = issues(user, data);
      expect({ msg: issue?.msg, type: issue?.type }, JSON.stringify(data)).toEqual({ msg, type });
      expect(rest, JSON.stringify(data)).toEqual([]);
    }
  });

  it('names a type error on a nullable field after its first type, and null as not allowed', () => {
    expect(issues({ type: ['integer', 'null'] }, 'x')).toEqual([{ loc: ['body'], msg: 'value is not a valid integer', type: 'type_error.integer' }]);
    expect(issues({ type: 'null' }, 1)).toEqual([{ loc: ['body'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' }]);
  });

  it('locates the missing or extra field itself, and array items by number', () => {
    expect(issues(user, { password: 'long enough', surprise: 1 })).toEqual([
      { loc: ['body', 'email'], msg: 'field required', type: 'value_error.missing' },
      { loc: ['body', 'surprise'], msg: 'extra fields not permitted', type: 'value_error.extra' },
    ]);
    expect(issues(user, { ...valid, tags: ['a', 2, 'c', 4] })).toEqual([
      { loc: ['body', 'tags', 1], msg: 'str type expected', type: 'type_error.str' },
      { loc: ['body', 'tags', 3], msg: 'str type expected', type: 'type_error.str' },
    ]);
    const eleven = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 12];
    expect(issues(user, { ...valid, tags: eleven })).toEqual([{ loc: ['body', 'tags', 11], msg: 'str type expected', type: 'type_error.str' }]);
    expect(issues(user, { ...valid, nested: { flag: 'yes' } })).toEqual([
      { loc: ['body', 'nested', 'flag'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' },
    ]);
  });

  it('unescapes JSON pointer segments (~1 is /, ~0 is ~), and keeps digit-bearing names as names', () => {
    const schema = { type: 'object', properties: { 'a/b~c': { type: 'string' }, x1: { type: 'string' }, '1x': { type: 'string' } } };
    expect(issues(schema, { 'a/b~c': 1, x1: 2, '1x': 3 }).map((issue) => issue.loc)).toEqual([
      ['body', 'a/b~c'],
      ['body', 'x1'],
      ['body', '1x'],
    ]);
    const tilde = { type: 'object', properties: { '~1': { type: 'string' } } };
    expect(issues(tilde, { '~1': 0 }).map((issue) => issue.loc)).toEqual([['body', '~1']]);
  });

  it('gives one entry per field, its first reason, and drops the anyOf wrapper', () => {
    // full_name fails both branches (too long; not null) and then anyOf itself: one entry, from the first branch.
    expect(issues(user, { ...valid, full_name: 'much too long' })).toEqual([
      { loc: ['body', 'full_name'], msg: 'ensure this value has at most 5 characters', type: 'value_error.any_str.max_length' },
    ]);
    // Branches that fail at other paths than the anyOf itself: their entries, not the anyOf's.
    const either = { type: 'object', properties: { contact: { anyOf: [{ required: ['email'] }, { required: ['phone'] }] } } };
    expect(issues(either, { contact: {} })).toEqual([
      { loc: ['body', 'contact', 'email'], msg: 'field required', type: 'value_error.missing' },
      { loc: ['body', 'contact', 'phone'], msg: 'field required', type: 'value_error.missing' },
    ]);
    const twice = { type: 'string', minLength: 5, pattern: '^[a-z]+$' };
    expect(issues(twice, 'AB')).toEqual([{ loc: ['body'], msg: 'ensure this value has at least 5 characters', type: 'value_error.any_str.min_length' }]);
  });

  it("names locations as FastAPI does, and passes through one it does not know", () => {
    const error = (instancePath: string): ErrorObject => ({ keyword: 'type', instancePath, schemaPath: '#/type', params: { type: 'integer' } });
    expect(toValidationIssues([error('/skip')], 'querystring')[0]?.loc).toEqual(['query', 'skip']);
    expect(toValidationIssues([error('/id')], 'params')[0]?.loc).toEqual(['path', 'id']);
    expect(toValidationIssues([error('/x-count')], 'headers')[0]?.loc).toEqual(['header', 'x-count']);
    expect(toValidationIssues([error('/a')], 'body')[0]?.loc).toEqual(['body', 'a']);
    expect(toValidationIssues([error('/a')], 'cookies')[0]?.loc).toEqual(['cookies', 'a']);
    expect(toValidationIssues([], 'body')).toEqual([]);
  });

  it('falls back to a generic message for a keyword with no message', () => {
    const error: ErrorObject = { keyword: 'const', instancePath: '/a', schemaPath: '#/const', params: {} };
    expect(toValidationIssues([error], 'body')).toEqual([{ loc: ['body', 'a'], msg: 'invalid value', type: 'value_error.const' }]);
    expect(toValidationIssues([{ ...error, message: 'must be equal to constant' }], 'body')[0]?.msg).toBe('must be equal to constant');
  });
});
