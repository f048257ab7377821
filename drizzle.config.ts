import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema.ts into drizzle/; `npm run db:generate` also writes each one's down.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
});
