// Prunes security events older than SECURITY_EVENTS_RETENTION_DAYS: once when the app is ready, then hourly. A
// failed prune (database away) is logged and tried again at the next hour; it never stops the service.
import fp from 'fastify-plugin';
import { SecurityEventRepository } from '../repositories/security-event.js';

const HOUR_MS = 3_600_000;

export default fp(
  async (app) => {
    const events = new SecurityEventRepository(app.db, app.clock);
    const days = app.config.securityEventsRetentionDays;
    let running: Promise<void> | undefined;
    const prune = () => {
      running ??= events
        .prune(days)
        .then((pruned) => {
          if (pruned > 0) app.log.info({ pruned, days }, 'old security events pruned');
        })
        .catch((error: unknown) => app.log.warn({ err: error }, 'pruning security events failed'))
        .finally(() => (running = undefined));
      return running;
    };
    const timer = setInterval(prune, HOUR_MS).unref();
    app.addHook('onReady', async () => {
      void prune();
    });
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
    });
  },
  { name: 'retention', dependencies: ['db'] },
);
