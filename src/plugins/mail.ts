// Decorates `app.mailer`, `app.emails` (the account e-mails) and `app.background(name, task)`: work that must not
// delay a response (sending mail, recording a failed log-in) runs after it, is logged if it fails, and is awaited
// by app.close() so a shutdown loses none of it.
import fp from 'fastify-plugin';
import { AccountEmails } from '../services/account-emails.js';
import { createMailer, type Mailer } from '../services/mailer.js';

declare module 'fastify' {
  interface FastifyInstance {
    mailer: Mailer;
    emails: AccountEmails;
    background: (name: string, task: () => Promise<void>) => void;
    /** Resolves once no background task is pending (shutdown, and tests that read what a task wrote). */
    backgroundSettled: () => Promise<void>;
  }
}

export default fp<{ mailer?: Mailer }>(
  async (app, options) => {
    const mailer = options.mailer ?? createMailer(app.config, app.log);
    const pending = new Set<Promise<void>>();
    app.decorate('mailer', mailer);
    app.decorate('background', (name: string, task: () => Promise<void>) => {
      const run = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((error: unknown) => app.log.error({ err: error, task: name }, 'background task failed'))
        .finally(() => pending.delete(run));
      pending.add(run);
    });
    app.decorate('emails', new AccountEmails(app.db, app.config, mailer, app.background, app.clock));
    app.decorate('backgroundSettled', async () => {
      // A task may start another (recovery → reset e-mail): wait until none is left.
      while (pending.size > 0) await Promise.allSettled([...pending]);
    });
    app.addHook('onClose', async () => {
      await app.backgroundSettled();
      mailer.close();
    });
  },
  { name: 'mail', dependencies: ['db'] },
);
