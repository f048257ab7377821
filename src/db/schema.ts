// Drizzle tables. Column names are snake_case so rows match the API with no mapping, and match the original
// system's `users` table so its databases can be served.
import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    full_name: text('full_name'),
    email: text('email').notNull(),
    hashed_password: text('hashed_password').notNull(),
    is_active: boolean('is_active').notNull().default(true),
    is_superuser: boolean('is_superuser').notNull().default(false),
  },
  (table) => [
    index('ix_users_full_name').on(table.full_name),
    // E-mail addresses are unique whatever their letter case; lookups use the same expression.
    uniqueIndex('ix_users_email_lower').on(sql`lower(${table.email})`),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
