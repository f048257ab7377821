// How dates, devices and security events read on the pages.
import type { SecurityEvent } from '@/lib/api-client';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrom(e|ium)\//, 'Chrome'],
  [/Version\/[\d.]+.*Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Firefox on Linux" from a User-Agent header; other clients (curl/8.5.0) as they name themselves. */
export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser ?? system) return (browser ?? system) as string;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}

const EVENT_LABELS: Record<SecurityEvent['type'], string> = {
  login: 'Logged in',
  login_failed: 'Failed log-in',
  logout: 'Logged out',
  refresh_reuse_detected: 'A used login token was presented again; that login was ended',
  password_changed: 'Password changed',
  password_reset: 'Password reset by e-mail link',
  email_changed: 'Email changed',
  email_verified: 'Email verified',
  sessions_ended: 'Other logins ended',
  locked: 'Log-in paused after repeated failures',
};

export function describeEvent(event: Pick<SecurityEvent, 'type' | 'count'>): string {
  const label = EVENT_LABELS[event.type] ?? event.type;
  return event.count > 1 ? `${label} (${event.count} times)` : label;
}

export function pluralize(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
