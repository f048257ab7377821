// The system clock: what the app reads the time from unless a test injects its own.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';

describe('systemClock', () => {
  it('tells the current time, a new Date on each call', () => {
    const before = Date.now();
    const first = systemClock();
    const second = systemClock();
    expect(first).toBeInstanceOf(Date);
    expect(first.getTime()).toBeGreaterThanOrEqual(before);
    expect(first.getTime()).toBeLessThanOrEqual(Date.now());
    expect(second).not.toBe(first);
  });
});
