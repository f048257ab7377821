// The only reader of process.env: every setting, its default and its check, in one place.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { configProblems } from './config-checks.js';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Env = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8000 }),
  DATABASE_URL: Type.String({ minLength: 1, default: './data' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
  MIGRATE_ON_START: Type.Boolean({ default: false }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  PASSWORD_MIN_LENGTH: Type.Integer({ minimum: 1, maximum: 1024, default: 8 }),
  ARGON2_MEMORY_KIB: Type.Integer({ minimum: 1024, maximum: 4_194_304, default: 19_456 }),
  ARGON2_ITERATIONS: Type.Integer({ minimum: 1, maximum: 100, default: 2 }),
  ARGON2_PARALLELISM: Type.Integer({ minimum: 1, maximum: 16, default: 1 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 104_857_600, default: 1_048_576 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 10_000 }),
  SECRET_KEY: Type.Optional(Type.String({ minLength: 1 })),
  JWT_ALGORITHM: Type.Enum(['HS256', 'HS384', 'HS512'], { default: 'HS256' }),
  ACCESS_TOKEN_EXPIRE_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 30 }),
  REFRESH_TOKEN_EXPIRE_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 14 }),
  SESSION_MAX_AGE_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }),
  SECURITY_EVENTS_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 36_500, default: 365 }),
  PASSWORD_RESET_EXPIRE_MINUTES: Type.Integer({ minimum: 1, maximum: 10_080, default: 60 }),
  EMAIL_VERIFY_EXPIRE_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 48 }),
  REQUIRE_EMAIL_VERIFICATION: Type.Boolean({ default: false }),
  FIRST_SUPERUSER: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
  FIRST_SUPERUSER_PASSWORD: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  SMTP_HOST: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
  SMTP_USER: Type.Optional(Type.String()),
  SMTP_PASSWORD: Type.Optional(Type.String()),
  SMTP_SECURE: Type.Boolean({ default: false }),
  EMAILS_FROM_EMAIL: Type.String({ minLength: 3, default: 'noreply@cnlearn.localhost' }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#]+/*$' })),
  FRONTEND_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  PASSWORD_RECOVERY_ENABLED: Type.Boolean({ default: true }),
  BACKEND_CORS_ORIGINS: Type.String({ default: '' }),
  TRUST_PROXY: Type.String({ default: 'false' }),
  RATE_LIMIT_ENABLED: Type.Boolean({ default: true }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  RATE_LIMIT_LOGIN_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 20 }),
  RATE_LIMIT_REFRESH_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 60 }),
  RATE_LIMIT_REGISTER_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 10 }),
  RATE_LIMIT_RECOVERY_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 5 }),
  RATE_LIMIT_RESET_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 10 }),
  RATE_LIMIT_VERIFY_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 5 }),
  RATE_LIMIT_PROFILE_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 100_000, default: 10 }),
  LOGIN_FREE_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  LOGIN_MAX_LOCKOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }),
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
  HASH_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 64, default: defaultHashConcurrency() }),
  HASH_QUEUE_LIMIT: Type.Integer({ minimum: 0, maximum: 100_000, default: 64 }),
});

/** Argon2 hashes at once: the cores but one, so the event loop always has a core (at least one hash, though). */
function defaultHashConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

export type Env = Static<typeof Env>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  databaseUrl: string;
  databasePoolSize: number;
  migrateOnStart: boolean;
  logLevel: string;
  bodyLimit: number;
  shutdownTimeoutMs: number;
  passwordMinLength: number;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  secretKey: string;
  /** No SECRET_KEY was given (development/test only): a random one was drawn, tokens die with the process. */
  secretKeyGenerated: boolean;
  jwtAlgorithm: 'HS256' | 'HS384' | 'HS512';
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Absolute lifetime of a login: refresh refuses once it is this old, however recently it was used. */
  sessionMaxAgeSeconds: number;
  securityEventsRetentionDays: number;
  passwordResetTtlSeconds: number;
  emailVerifyTtlSeconds: number;
  requireEmailVerification: boolean;
  firstSuperuser?: { email: string; password: string };
  smtp?: { host: string; port: number; secure: boolean; user?: string; password?: string };
  emailsFrom: string;
  /** Where clients reach this service (its pages, the OpenAPI document's server): scheme, host and port. */
  publicUrl: string;
  /** Base of the links in e-mails: the pages, by default those this service serves (publicUrl). */
  frontendUrl: string;
  passwordRecoveryEnabled: boolean;
  corsOrigins: string[];
  /** Fastify's trustProxy: false, true, a hop count, or addresses/CIDRs of the proxies. */
  trustProxy: boolean | number | string;
  rateLimit: {
    enabled: boolean;
    redisUrl?: string;
    perMinute: { login: number; refresh: number; register: number; recovery: number; reset: number; verify: number; profile: number };
    loginFreeFailures: number;
    loginMaxLockoutSeconds: number;
    loginMaxFailures: number;
  };
  hashing: { concurrency: number; queueLimit: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Environment variables arrive as strings: turn the numeric and boolean ones into values before checking. */
function coerce(source: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(Env.properties)) {
    const raw = source[key];
    if (raw === undefined || raw.trim() === '') continue;
    const schema = Env.properties[key as keyof typeof Env.properties] as { type?: string };
    const value = raw.trim();
    if (schema.type === 'integer') out[key] = /^-?\d+$/.test(value) ? Number(value) : value;
    else if (schema.type === 'boolean') out[key] = /^(true|1|yes)$/i.test(value) ? true : /^(false|0|no)$/i.test(value) ? false : value;
    else out[key] = value;
  }
  return out;
}

/** Reads the configuration from `source` (process.env by default); throws one ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const input = Value.Default(Env, coerce(source));
  const problems = [...Value.Errors(Env, input)].map((error) => {
    const key = error.instancePath.replace(/^\//, '');
    const shown = /KEY|PASSWORD/.test(key) ? '' : `=${JSON.stringify(source[key])}`; // never echo a secret
    return `${key}${shown}: ${error.message}`;
  });
  const env = input as Env;
  problems.push(...configProblems(env));
  const publicUrl = (env.PUBLIC_URL ?? defaultPublicUrl(env.HOST, env.PORT)).replace(/\/+$/, '');
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    throw new ConfigError(`Invalid configuration:\n  ${unique.join('\n  ')}`);
  }
  return {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    migrateOnStart: env.MIGRATE_ON_START,
    logLevel: env.LOG_LEVEL,
    bodyLimit: env.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    passwordMinLength: env.PASSWORD_MIN_LENGTH,
    argon2: { memoryCost: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_ITERATIONS, parallelism: env.ARGON2_PARALLELISM },
    secretKey: env.SECRET_KEY ?? randomBytes(32).toString('base64url'),
    secretKeyGenerated: env.SECRET_KEY === undefined,
    jwtAlgorithm: env.JWT_ALGORITHM as Config['jwtAlgorithm'],
    accessTokenTtlSeconds: env.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_EXPIRE_DAYS * 86_400,
    sessionMaxAgeSeconds: env.SESSION_MAX_AGE_DAYS * 86_400,
    securityEventsRetentionDays: env.SECURITY_EVENTS_RETENTION_DAYS,
    passwordResetTtlSeconds: env.PASSWORD_RESET_EXPIRE_MINUTES * 60,
    emailVerifyTtlSeconds: env.EMAIL_VERIFY_EXPIRE_HOURS * 3600,
    requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
    ...(env.FIRST_SUPERUSER &&
      env.FIRST_SUPERUSER_PASSWORD && { firstSuperuser: { email: env.FIRST_SUPERUSER, password: env.FIRST_SUPERUSER_PASSWORD } }),
    ...(env.SMTP_HOST && {
      smtp: {
        host: env.SMTP_HOST,
        port: env.SMTP_PORT,
        secure: env.SMTP_SECURE,
        ...(env.SMTP_USER && { user: env.SMTP_USER }),
        ...(env.SMTP_PASSWORD && { password: env.SMTP_PASSWORD }),
      },
    }),
    emailsFrom: env.EMAILS_FROM_EMAIL,
    publicUrl,
    frontendUrl: env.FRONTEND_URL?.replace(/\/+$/, '') ?? publicUrl,
    passwordRecoveryEnabled: env.PASSWORD_RECOVERY_ENABLED,
    corsOrigins: env.BACKEND_CORS_ORIGINS.split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      ...(env.REDIS_URL && { redisUrl: env.REDIS_URL }),
      perMinute: {
        login: env.RATE_LIMIT_LOGIN_PER_MINUTE,
        refresh: env.RATE_LIMIT_REFRESH_PER_MINUTE,
        register: env.RATE_LIMIT_REGISTER_PER_MINUTE,
        recovery: env.RATE_LIMIT_RECOVERY_PER_MINUTE,
        reset: env.RATE_LIMIT_RESET_PER_MINUTE,
        verify: env.RATE_LIMIT_VERIFY_PER_MINUTE,
        profile: env.RATE_LIMIT_PROFILE_PER_MINUTE,
      },
      loginFreeFailures: env.LOGIN_FREE_FAILURES,
      loginMaxLockoutSeconds: env.LOGIN_MAX_LOCKOUT_SECONDS,
      loginMaxFailures: env.LOGIN_MAX_FAILURES,
    },
    hashing: { concurrency: env.HASH_CONCURRENCY, queueLimit: env.HASH_QUEUE_LIMIT },
  };
}

function parseTrustProxy(value: string): boolean | number | string {
  const trimmed = value.trim();
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  return trimmed;
}

/**
 * http://HOST:PORT as a browser on this machine would type it: the wildcard addresses are listened on, not
 * browsed to, so 0.0.0.0 becomes 127.0.0.1 and :: becomes localhost; other IPv6 literals get their brackets.
 */
function defaultPublicUrl(host: string, port: number): string {
  let shown = host;
  if (host === '0.0.0.0') shown = '127.0.0.1';
  else if (host === '::' || host === '[::]') shown = 'localhost';
  else if (host.includes(':') && !host.startsWith('[')) shown = `[${host}]`;
  return `http://${shown}:${port}`;
}
