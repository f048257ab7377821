// FIRST_SUPERUSER / FIRST_SUPERUSER_PASSWORD: create that account at start if it does not exist. Idempotent, and an
// existing account is left alone (its password may have been changed since). A password the policy refuses stops a
// production start (config-checks.ts); elsewhere it is a warning here, at every start, since it would still create
// the superuser on a fresh database. The `{ email }` logged on creation is the operator's own configured address.
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { isUniqueViolation } from '../core/errors.js';
import type { PasswordHasher } from '../core/password-hasher.js';
import { passwordProblem } from '../core/password-policy.js';
import type { Db } from '../db/client.js';
import { UserRepository } from '../repositories/user.js';

export async function ensureFirstSuperuser(db: Db, hasher: PasswordHasher, config: Config, log: FastifyBaseLogger): Promise<void> {
  const first = config.firstSuperuser;
  if (!first) return;
  const problem = passwordProblem(first.password, { minLength: config.passwordMinLength, email: first.email });
  if (problem) {
    log.warn(`FIRST_SUPERUSER_PASSWORD is refused by the password policy (${problem.msg}): production would not start with it`);
  }
  const users = new UserRepository(db, hasher);
  if (await users.getByEmail(first.email)) return;
  try {
    await users.create({ email: first.email, password: first.password, is_superuser: true, is_verified: true });
    log.info({ email: first.email }, 'first superuser created');
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // another instance created it first
  }
}
