// PGlite is a single-process database: two processes writing one data directory corrupt it. A pid file beside
// the directory (`<dir>.lock`; inside it, initdb would refuse a non-empty directory), created exclusively, keeps a
// second server or CLI out; a file left by a dead process is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class DirectoryLockedError extends Error {
  override name = 'DirectoryLockedError';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock for this process, or throws DirectoryLockedError naming the holder. Returns release(). */
export async function acquireDirectoryLock(directory: string): Promise<() => void> {
  const path = `${resolve(directory)}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DirectoryLockedError(
          `The database directory ${directory} is in use by process ${holder}. PGlite allows one process per ` +
            'data directory: stop that process first (or point DATABASE_URL elsewhere).',
        );
      }
      if (holder === process.pid) {
        throw new DirectoryLockedError(`The database directory ${directory} is already open in this process.`);
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new DirectoryLockedError(`Could not lock the database directory ${directory}.`);
}
