// Fixtures: random e-mail addresses and a user factory, as the original's tests/utils.
import { randomBytes } from 'node:crypto';

export function randomEmail(): string {
  return `user-${randomBytes(6).toString('hex')}@example.com`;
}

export function randomPassword(): string {
  return `pw-${randomBytes(12).toString('base64url')}`;
}

export function userCreate(overrides: Partial<{ email: string; password: string; full_name: string | null }> = {}) {
  return { email: randomEmail(), password: randomPassword(), full_name: 'Test User', ...overrides };
}
