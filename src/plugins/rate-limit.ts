// Decorates `app.rateLimit(name)` (a per-IP onRequest guard) and `app.loginGuard` (per-account brute-force
// protection). Placeholder: filled in by the rate-limiting work.
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export type LimitName = 'login' | 'refresh' | 'register' | 'recovery' | 'reset';

export interface LoginGuard {
  /** Throws a 429 HttpError (with Retry-After) when password login for this e-mail is blocked. */
  check(email: string): Promise<void>;
  failed(email: string): Promise<void>;
  succeeded(email: string): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    rateLimit: (name: LimitName) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    loginGuard: LoginGuard;
  }
}

export default fp(
  async (app) => {
    app.decorate('rateLimit', () => async () => {});
    app.decorate('loginGuard', { check: async () => {}, failed: async () => {}, succeeded: async () => {} });
  },
  { name: 'rate-limit' },
);
