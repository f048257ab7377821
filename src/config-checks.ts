// Rules that involve several settings, and the production self-check: a service that would run insecurely
// (guessable token key, weak password hashing, a first superuser with a password the policy refuses, password
// recovery with no way to send mail) refuses to start.
import type { Env } from './config.js';
import { passwordProblem } from './core/password-policy.js';

/** Shortest SECRET_KEY accepted: 32 characters (HS256 wants at least 256 bits of key). */
export const SECRET_KEY_MIN_LENGTH = 32;
const KNOWN_DEFAULT_SECRETS = new Set(['changethis', 'secret', 'changeme', 'secret_key', 'supersecret']);
/** OWASP Password Storage Cheat Sheet floor for Argon2id. */
const OWASP_FLOOR = { ARGON2_MEMORY_KIB: 19_456, ARGON2_ITERATIONS: 2 } as const;

export function configProblems(env: Env): string[] {
  const problems: string[] = [];
  const production = env.NODE_ENV === 'production';
  const secret = env.SECRET_KEY;
  if (secret !== undefined && (secret.length < SECRET_KEY_MIN_LENGTH || KNOWN_DEFAULT_SECRETS.has(secret.toLowerCase()))) {
    problems.push(`SECRET_KEY: must be a random string of at least ${SECRET_KEY_MIN_LENGTH} characters`);
  } else if (secret === undefined && production) {
    problems.push('SECRET_KEY: required in production (openssl rand -base64 48)');
  }
  if ((env.FIRST_SUPERUSER === undefined) !== (env.FIRST_SUPERUSER_PASSWORD === undefined)) {
    problems.push('FIRST_SUPERUSER and FIRST_SUPERUSER_PASSWORD: set both or neither');
  }
  if (!production) return problems;
  for (const [name, floor] of Object.entries(OWASP_FLOOR)) {
    if (env[name as keyof typeof OWASP_FLOOR] < floor) problems.push(`${name}: below the OWASP minimum of ${floor} in production`);
  }
  const first = { email: env.FIRST_SUPERUSER, password: env.FIRST_SUPERUSER_PASSWORD };
  const firstProblem = first.password && passwordProblem(first.password, { minLength: env.PASSWORD_MIN_LENGTH, email: first.email });
  if (firstProblem) {
    // The policy's own words never quote the password.
    problems.push(`FIRST_SUPERUSER_PASSWORD: refused by the password policy in production (${firstProblem.msg})`);
  }
  if (env.SMTP_HOST === undefined && env.PASSWORD_RECOVERY_ENABLED) {
    problems.push('SMTP_HOST: password recovery is enabled but no mail server is set (or PASSWORD_RECOVERY_ENABLED=false)');
  }
  if (env.SMTP_HOST === undefined && env.REQUIRE_EMAIL_VERIFICATION) {
    problems.push('SMTP_HOST: REQUIRE_EMAIL_VERIFICATION needs a mail server');
  }
  return problems;
}
