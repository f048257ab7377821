// Per-account brute-force protection of password login, on rate-limiter-flexible counters (memory or Redis).
//
// Consecutive failed password checks are counted per account: keyed on the account's id when the typed address
// names one (so no spelling of the address, İ or K or full-width, gets a fresh budget), else on the canonical form
// of the address (core/email.ts: registered or not, the answer tells nothing about which addresses exist), for up
// to 21 days from the first failure:
// - failures 1 … LOGIN_FREE_FAILURES (default 5) cost nothing;
// - after failure n > free, password login for that address is blocked for min(2^(n − free) s,
//   LOGIN_MAX_LOCKOUT_SECONDS (default 900)): 2 s, 4 s, 8 s, … 512 s, then 15 min for each further failure;
// - after LOGIN_MAX_FAILURES (default 100, NIST SP 800-63B's ceiling) it stays blocked, with no expiry, until
//   succeeded() clears it: a correct password (impossible by then), a password reset, or a password change.
// Blocked logins are answered 429 with Retry-After before any password is hashed; nothing sleeps in a request.
// An attacker can keep an address blocked, but never its owner out: the e-mailed reset link is not guarded, and the
// reset clears the count (as a password change does: those routes call succeeded()).
//
// The block is a gate taken by the attempt rather than set after its failure: an attempt past the free ones
// atomically claims the address for the period its failure would earn, so concurrent guesses cannot slip through
// together while the previous failure is still being counted. (Guesses sent at once before the free failures are
// used up all get through, as many as the per-IP limit and the hash queue let in; each then counts as a failure.)
import { createHash } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { canonicalEmail } from '../core/email.js';
import { isRateLimited, tooManyRequests, type MakeLimiter } from './rate-limits.js';

/** Keys are guardKey()'s. */
export interface LoginGuard {
  /** Throws a 429 HttpError (with Retry-After) when password checks for this key are blocked. */
  check(key: string): Promise<void>;
  /** Counts a failed password check; `locked` when this failure closed password login until a reset. */
  failed(key: string): Promise<{ locked: boolean }>;
  /** Clears the count and any block: a correct password, a password reset, or a password change. */
  succeeded(key: string): Promise<void>;
}

/** The guard's key of an attempt: the account's id when the typed address names one, else the canonical address. */
export function guardKey(account: { id: number } | undefined, typedEmail: string): string {
  return account ? `user:${account.id}` : `email:${canonicalEmail(typedEmail)}`;
}

export interface LoginGuardSettings {
  freeFailures: number;
  maxLockoutSeconds: number;
  maxFailures: number;
}

/** How long consecutive failures are remembered (from the first of them); the memory store's limit is 24.8 days. */
export const FAILURE_MEMORY_SECONDS = 21 * 86_400;

/** The block earned by the n-th consecutive failure, in seconds (0: none). */
export function lockoutSeconds(failures: number, settings: LoginGuardSettings): number {
  const beyond = failures - settings.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(2 ** Math.min(beyond, 30), settings.maxLockoutSeconds);
}

/** The counters' key: hashed so that stored keys hold no addresses and have one length, whatever was typed. */
export function accountKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

export const noLoginGuard: LoginGuard = { check: async () => {}, failed: async () => ({ locked: false }), succeeded: async () => {} };

export function createLoginGuard(settings: LoginGuardSettings, makeLimiter: MakeLimiter, prefix = 'cnlearn:rl'): LoginGuard {
  const failures = makeLimiter({ keyPrefix: `${prefix}:login-failures`, points: settings.maxFailures, duration: FAILURE_MEMORY_SECONDS });
  // One attempt per period: the first consume in a period passes, the others are refused until it ends.
  const gate = makeLimiter({ keyPrefix: `${prefix}:login-gate`, points: 1, duration: settings.maxLockoutSeconds });
  // Written once an address reaches maxFailures; no expiry (duration 0), so only succeeded() lifts it.
  const locked = makeLimiter({ keyPrefix: `${prefix}:login-locked`, points: 1, duration: 0 });
  const blocked = () => tooManyRequests(settings.maxLockoutSeconds * 1000);

  async function claimGate(limiter: RateLimiterAbstract, key: string, seconds: number): Promise<void> {
    try {
      await limiter.consume(key, 1, { customDuration: seconds });
    } catch (error) {
      if (isRateLimited(error)) throw tooManyRequests(error.msBeforeNext);
      throw error;
    }
  }

  return {
    async check(guard) {
      const key = accountKey(guard);
      const [lock, count] = await Promise.all([locked.get(key), failures.get(key)]);
      const consecutive = count?.consumedPoints ?? 0;
      // The hard lock has no end to announce: Retry-After says when asking again makes sense at all.
      if (lock || consecutive >= settings.maxFailures) throw blocked();
      if (consecutive >= settings.freeFailures) await claimGate(gate, key, lockoutSeconds(consecutive + 1, settings));
    },
    async failed(guard) {
      const key = accountKey(guard);
      const { consumedPoints } = await failures.penalty(key, 1);
      if (consumedPoints < settings.maxFailures) return { locked: false };
      await locked.block(key, 0);
      return { locked: consumedPoints === settings.maxFailures };
    },
    async succeeded(guard) {
      const key = accountKey(guard);
      await Promise.all([failures.delete(key), gate.delete(key), locked.delete(key)]);
    },
  };
}
