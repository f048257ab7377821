// The only reader of process.env: every setting, its default and its check, in one place.
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
});

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
    return `${key}=${JSON.stringify(source[key])}: ${error.message}`;
  });
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    throw new ConfigError(`Invalid configuration:\n  ${unique.join('\n  ')}`);
  }
  const env = input as Env;
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
  };
}
