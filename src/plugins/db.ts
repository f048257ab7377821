// Decorates `app.database` (driver handle: ping, close) and `app.db` (the Drizzle Db), migrates the embedded
// database (and Postgres when MIGRATE_ON_START) before the app serves, and closes the database on app.close().
import fp from 'fastify-plugin';
import { createDatabase, type Database, type Db } from '../db/client.js';
import { migrateUp } from '../db/migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    database: Database;
    db: Db;
  }
}

export interface DbPluginOptions {
  /** A database opened by the caller (tests); the app still closes it on app.close(). */
  database?: Database;
}

export default fp<DbPluginOptions>(
  async (app, { database: given }) => {
    const { config } = app;
    const database = given ?? (await createDatabase(config.databaseUrl, { poolSize: config.databasePoolSize }));
    app.addHook('onClose', async () => {
      await database.close();
    });
    if (database.kind === 'pglite' || config.migrateOnStart) {
      await migrateUp(database);
      app.log.info({ kind: database.kind }, 'database migrated');
    }
    app.decorate('database', database);
    app.decorate('db', database.db);
  },
  { name: 'db' },
);
