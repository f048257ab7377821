// One registry of "undo" actions (stop a load run, stop the server, drop the database, delete a directory) so that
// the normal `finally` path and a Ctrl-C (SIGINT/SIGTERM) run exactly the same code, each action at most once.

type Action = () => Promise<void>;

const pending: Action[] = [];
/** Actions already started (e.g. by a `finally`) that a Ctrl-C must still wait for before exiting. */
const started = new Set<Promise<void>>();

/** Registers `undo`; returns a function that runs it now (once), whoever calls it first: the caller or cleanupAll. */
export function onCleanup(undo: () => Promise<void> | void): Action {
  let running: Promise<void> | undefined;
  const action: Action = () => {
    if (running) return running;
    const index = pending.indexOf(action);
    if (index >= 0) pending.splice(index, 1);
    const promise = (async () => undo())();
    running = promise;
    started.add(promise);
    void promise.catch(() => undefined).finally(() => started.delete(promise));
    return promise;
  };
  pending.push(action);
  return action;
}

/** Runs every action still registered, newest first (a server must stop before its database is dropped). */
export async function cleanupAll(): Promise<void> {
  while (pending.length > 0) {
    // Actions already running finish first: after a Ctrl-C fails the load, a `finally` may be stopping the server,
    // and its database must not be dropped under it while it shuts down.
    await Promise.allSettled([...started]);
    const action = pending[pending.length - 1];
    if (!action) break;
    await action().catch((error: unknown) => console.error(`cleanup failed: ${describeError(error)}`));
  }
  await Promise.allSettled([...started]);
}

/** One line per problem, no stack: pg's connection errors can have an empty message and only a code. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(describeError).join('; ');
  if (!(error instanceof Error)) return String(error);
  const text = error.message || (error as NodeJS.ErrnoException).code || error.name;
  return error.cause instanceof Error ? `${text} (caused by: ${describeError(error.cause)})` : text;
}
