// Token fixtures, as the template's conftest: a user in the database and the headers of its logged-in token.
import type { FastifyInstance } from 'fastify';
import type { User } from '../../src/db/schema.js';
import { UserRepository } from '../../src/repositories/user.js';
import { randomEmail, randomPassword } from './users.js';

export interface TestUser {
  user: User;
  email: string;
  password: string;
}

/** A user written straight to the database (no HTTP), active unless told otherwise. */
export async function createUser(
  app: FastifyInstance,
  fields: Partial<{ email: string; password: string; full_name: string; is_active: boolean; is_superuser: boolean; is_verified: boolean }> = {},
): Promise<TestUser> {
  const email = fields.email ?? randomEmail();
  const password = fields.password ?? randomPassword();
  const user = await new UserRepository(app.db, app.hasher).create({ full_name: null, ...fields, email, password });
  return { user, email, password };
}

export async function login(app: FastifyInstance, email: string, password: string) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/login/access-token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ username: email, password }).toString(),
  });
}

export async function tokenHeaders(app: FastifyInstance, email: string, password: string): Promise<{ authorization: string }> {
  const response = await login(app, email, password);
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return { authorization: `Bearer ${response.json().access_token}` };
}

/** A fresh normal user and its token headers (normal_user_token_headers). */
export async function normalUserTokenHeaders(app: FastifyInstance) {
  const created = await createUser(app);
  return { ...created, headers: await tokenHeaders(app, created.email, created.password) };
}

/** A fresh superuser and its token headers (superuser_token_headers). */
export async function superuserTokenHeaders(app: FastifyInstance) {
  const created = await createUser(app, { is_superuser: true });
  return { ...created, headers: await tokenHeaders(app, created.email, created.password) };
}
