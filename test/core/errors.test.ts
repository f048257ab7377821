// HTTP errors in FastAPI's shapes, and which database failures mean something to a client: a duplicate (23505)
// or a database that cannot be reached (503, retry), whether the driver's error arrives bare or wrapped by drizzle.
import { DrizzleQueryError } from 'drizzle-orm/errors';
import Fastify from 'fastify';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { HttpError, isDatabaseUnavailable, isUniqueViolation, RequestValidationError } from '../../src/core/errors.js';
import errorsPlugin from '../../src/plugins/errors.js';

/** A driver error with a code, as node-postgres and PGlite throw them. */
const withCode = (code: string, message = 'driver error') => Object.assign(new Error(message), { code });
/** `error` the way drizzle rethrows it: a DrizzleQueryError whose cause is the driver's error. */
const wrapped = (error: unknown) => new DrizzleQueryError('select 1', [], error as Error);
/** `error` under `levels` causes. */
const nested = (error: unknown, levels: number): unknown => (levels === 0 ? error : { message: 'outer', cause: nested(error, levels - 1) });

describe('HttpError', () => {
  it('carries a status, a detail and headers (none unless given)', () => {
    const error = new HttpError(404, 'User not found');
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'HttpError', message: 'User not found', statusCode: 404, detail: 'User not found' });
    expect(error.headers).toEqual({});
    expect(new HttpError(401, 'Not authenticated', { 'www-authenticate': 'Bearer' }).headers).toEqual({ 'www-authenticate': 'Bearer' });
  });
});

describe('RequestValidationError', () => {
  it('is a 422 holding the issues, its message their messages', () => {
    const issues = [
      { loc: ['body', 'password'], msg: 'too short', type: 'value_error.any_str.min_length' },
      { loc: ['body', 'email'], msg: 'not an e-mail', type: 'value_error.email' },
    ];
    const error = new RequestValidationError(issues);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'RequestValidationError', statusCode: 422, message: 'too short; not an e-mail' });
    expect(error.issues).toBe(issues);
  });
});

describe('isUniqueViolation', () => {
  it('recognises SQLSTATE 23505, bare or wrapped by drizzle', () => {
    expect(isUniqueViolation(withCode('23505'))).toBe(true);
    expect(isUniqueViolation(wrapped(withCode('23505')))).toBe(true);
  });

  it('is false for other constraint violations and for errors without a code', () => {
    for (const code of ['23503', '23502', '23514', '40001']) expect(isUniqueViolation(withCode(code))).toBe(false);
    expect(isUniqueViolation(new Error('duplicate key value violates unique constraint'))).toBe(false);
    expect(isUniqueViolation({ code: 23505 })).toBe(false); // a number is no SQLSTATE
    expect(isUniqueViolation(undefined)).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });

  it('looks past codes that are not SQLSTATEs to the cause that has one', () => {
    // Node's and drizzle's own codes (ERR_…, lower case, longer than five) say nothing about the database.
    for (const code of ['ERR_SOMETHING', 'ECONNRESET', '2350', '23505x', 'abcde', 12345]) {
      expect(isUniqueViolation({ code, cause: withCode('23505') }), String(code)).toBe(true);
    }
  });

  it('follows causes up to three levels deep, no further', () => {
    expect(isUniqueViolation(nested(withCode('23505'), 3))).toBe(true);
    expect(isUniqueViolation(nested(withCode('23505'), 4))).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  it('recognises the network errors of a database that cannot be reached', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
      expect(isDatabaseUnavailable(wrapped(withCode(code))), `wrapped ${code}`).toBe(true);
    }
  });

  it('recognises a real refused connection from node-postgres', async () => {
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres', connectionTimeoutMillis: 2000 });
    const error = await client.connect().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('recognises SQLSTATE classes 08 (connection exception) and 57P0x (server shutting down)', () => {
    for (const code of ['08000', '08001', '08003', '08006', '57P01', '57P02', '57P03']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(true);
    }
  });

  it('is false for query errors, even those whose code contains 08 or 57P0', () => {
    // 22008: datetime field overflow; 57014: query cancelled; 42P01: undefined table; 23505: unique violation.
    for (const code of ['22008', '20080', '157P0', '57014', '42P01', '23505', 'ERR_INVALID_ARG_TYPE']) {
      expect(isDatabaseUnavailable(withCode(code)), code).toBe(false);
    }
    expect(isDatabaseUnavailable(new Error('relation "users" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable({ code: 8006 })).toBe(false);
    // Only strings are read as codes and messages: a value that merely prints like one is neither.
    expect(isDatabaseUnavailable({ code: ['08006'] })).toBe(false);
    expect(isDatabaseUnavailable({ message: ['Connection terminated'] })).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("recognises node-postgres's messages for a pool that cannot connect and a query that hangs, in any case", () => {
    for (const message of [
      'timeout exceeded when trying to connect',
      'Connection terminated unexpectedly',
      'Connection terminated due to connection timeout',
      'Query read timeout',
      'QUERY READ TIMEOUT',
    ]) {
      expect(isDatabaseUnavailable(new Error(message)), message).toBe(true);
      expect(isDatabaseUnavailable(wrapped(new Error(message))), `wrapped ${message}`).toBe(true);
    }
    expect(isDatabaseUnavailable({ message: 42 })).toBe(false);
  });

  it('follows causes up to three levels deep, no further', () => {
    expect(isDatabaseUnavailable(nested(withCode('ECONNREFUSED'), 3))).toBe(true);
    expect(isDatabaseUnavailable(nested(withCode('ECONNREFUSED'), 4))).toBe(false);
    expect(isDatabaseUnavailable(nested(new Error('Connection terminated'), 3))).toBe(true);
    expect(isDatabaseUnavailable(nested(new Error('Connection terminated'), 4))).toBe(false);
  });
});

describe('the error handler (plugins/errors.ts) on these classifications', () => {
  async function appThrowing(error: unknown) {
    const app = Fastify({ logger: false });
    await app.register(errorsPlugin);
    app.get('/', async () => {
      throw error;
    });
    return app;
  }

  it('answers an unreachable database with 503 and Retry-After, whatever wraps the error', async () => {
    for (const error of [withCode('ECONNREFUSED'), wrapped(withCode('57P01')), wrapped(new Error('Connection terminated unexpectedly'))]) {
      const app = await appThrowing(error);
      try {
        const response = await app.inject('/');
        expect(response.statusCode).toBe(503);
        expect(response.headers['retry-after']).toBe('2');
        expect(response.json()).toEqual({ detail: 'Database unavailable' });
      } finally {
        await app.close();
      }
    }
  });

  it('answers any other database error with a generic 500', async () => {
    const app = await appThrowing(wrapped(withCode('42P01', 'relation "users" does not exist')));
    try {
      const response = await app.inject('/');
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ detail: 'Internal Server Error' });
    } finally {
      await app.close();
    }
  });

  it('renders HttpError and RequestValidationError in their FastAPI shapes', async () => {
    const issues = [{ loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error.email' }];
    for (const [error, status, body, headers] of [
      [new HttpError(409, 'Taken', { 'x-why': 'because' }), 409, { detail: 'Taken' }, { 'x-why': 'because' }],
      [new RequestValidationError(issues), 422, { detail: issues }, {}],
    ] as const) {
      const app = await appThrowing(error);
      try {
        const response = await app.inject('/');
        expect(response.statusCode).toBe(status);
        expect(response.json()).toEqual(body);
        expect(response.headers).toMatchObject(headers);
      } finally {
        await app.close();
      }
    }
  });
});
