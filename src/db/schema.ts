// Drizzle tables. Column names are snake_case so rows match the API with no mapping; `users` matches the original
// system's table so its databases can be served.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    full_name: text('full_name'),
    email: text('email').notNull(),
    hashed_password: text('hashed_password').notNull(),
    is_active: boolean('is_active').notNull().default(true),
    is_superuser: boolean('is_superuser').notNull().default(false),
    is_verified: boolean('is_verified').notNull().default(false),
    // Bumped by every change that ends the user's logins (password, e-mail, deactivation, demotion): a login
    // checked against an older version is refused when its session is written (repositories/session.ts).
    credential_version: integer('credential_version').notNull().default(1),
  },
  (table) => [
    index('ix_users_full_name').on(table.full_name),
    // E-mail addresses are unique whatever their letter case; lookups use the same expression.
    uniqueIndex('ix_users_email_lower').on(sql`lower(${table.email})`),
  ],
);

/** One login: every access and refresh token issued from it names it, so revoking it revokes them all. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    created_at: timestamp('created_at', { withTimezone: true }).notNull(),
    /** Set at the start and on each refresh (not on every request: reads write nothing). */
    last_used_at: timestamp('last_used_at', { withTimezone: true }).notNull(),
    revoked_at: timestamp('revoked_at', { withTimezone: true }),
    user_agent: text('user_agent'),
    ip: text('ip'),
  },
  (table) => [index('ix_sessions_user_id').on(table.user_id)],
);

/** Refresh tokens, stored as SHA-256 hashes. Spent ones are kept (used_at) so a replay can be recognised. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    token_hash: text('token_hash').primaryKey(),
    session_id: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    expires_at: timestamp('expires_at', { withTimezone: true }).notNull(),
    used_at: timestamp('used_at', { withTimezone: true }),
  },
  (table) => [index('ix_refresh_tokens_session_id').on(table.session_id)],
);

/** Single-use tokens sent by e-mail (password reset, e-mail verification), stored as SHA-256 hashes. */
export const actionTokens = pgTable(
  'action_tokens',
  {
    token_hash: text('token_hash').primaryKey(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['password_reset', 'verify_email'] }).notNull(),
    /** The address the link was sent to: it is only good while the account still has that address. */
    email: text('email').notNull(),
    expires_at: timestamp('expires_at', { withTimezone: true }).notNull(),
    created_at: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('ix_action_tokens_user_id_purpose').on(table.user_id, table.purpose)],
);

export const SECURITY_EVENT_TYPES = [
  'login',
  'login_failed',
  'logout',
  'refresh_reuse_detected',
  'password_changed',
  'password_reset',
  'email_changed',
  'email_verified',
  'sessions_ended',
  'locked',
] as const;

/** What happened to an account, written in the transaction of the change it records; pruned after the retention. */
export const securityEvents = pgTable(
  'security_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type', { enum: SECURITY_EVENT_TYPES }).notNull(),
    created_at: timestamp('created_at', { withTimezone: true }).notNull(),
    ip: text('ip'),
    user_agent: text('user_agent'),
    /** Repeated failures beyond the hourly cap are counted on one row instead of adding rows. */
    count: integer('count').notNull().default(1),
  },
  (table) => [index('ix_security_events_user_id_id').on(table.user_id, table.id), index('ix_security_events_created_at').on(table.created_at)],
);

export type User = typeof users.$inferSelect;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];
export type ActionPurpose = (typeof actionTokens.$inferSelect)['purpose'];
