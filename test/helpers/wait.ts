// Waiting in tests without fixed sleeps: poll a condition, or race a promise, against a deadline that names what
// was awaited. The deadlines come from the caller, scaled from something it measured (see server-process.ts).
import { performance } from 'node:perf_hooks';

/** Polls `condition` every `everyMs` until it holds and resolves with the time that took; throws after `withinMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  withinMs: number,
  everyMs = 10,
): Promise<number> {
  const start = performance.now();
  for (;;) {
    if (await condition()) return performance.now() - start;
    if (performance.now() - start > withinMs) throw new Error(`timed out after ${Math.round(withinMs)} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** `promise`, or a rejection naming `what` once `withinMs` has passed. */
export function within<T>(promise: Promise<T>, withinMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(withinMs)} ms waiting for ${what}`)), withinMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
