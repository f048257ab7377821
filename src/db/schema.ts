// Drizzle tables. Column names are snake_case so rows match the API with no mapping; `users` matches the original
// system's table so its databases can be served.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

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
    revoked_at: timestamp('revoked_at', { withTimezone: true }),
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
    expires_at: timestamp('expires_at', { withTimezone: true }).notNull(),
    created_at: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('ix_action_tokens_user_id_purpose').on(table.user_id, table.purpose)],
);

export type User = typeof users.$inferSelect;
export type ActionPurpose = (typeof actionTokens.$inferSelect)['purpose'];
