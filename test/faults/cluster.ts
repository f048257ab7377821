// A throwaway PostgreSQL cluster for fault tests: created on its own free port with trust auth, stopped and started
// at will, dropped at the end. The machine's main cluster is never named here, so it cannot be touched.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

// Asynchronous on purpose: while pg_ctlcluster runs, the app's event loop must go on seeing its connections close,
// as it would in production (a synchronous exec would hide that and hand the app stale sockets afterwards).
const exec = promisify(execFile);

/** Why the cluster tests cannot run here, or undefined when they can (root and the Debian wrappers are needed). */
export function clusterUnsupported(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root';
  const onPath = (process.env.PATH ?? '').split(':').some((dir) => existsSync(`${dir}/pg_createcluster`));
  if (!onPath) return 'pg_createcluster is not on PATH';
  if (postgresVersion() === undefined) return 'no PostgreSQL version under /etc/postgresql';
  return undefined;
}

function postgresVersion(): string | undefined {
  if (!existsSync('/etc/postgresql')) return undefined;
  return readdirSync('/etc/postgresql')
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))[0];
}

/** True when nothing listens on `port` at 127.0.0.1 (we could bind it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A free port in 55000–64999, away from the ephemeral range's busy start and from 5432. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 55_000 + Math.floor(Math.random() * 10_000);
    if (await portIsFree(port)) return port;
  }
  throw new Error('no free port in 55000–64999');
}

export interface Cluster {
  name: string;
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** SIGSTOP/SIGCONT the postmaster and its backends: a hung host, whose sockets stay open but never answer. */
  freeze(): Promise<void>;
  thaw(): void;
  drop(): Promise<void>;
}

/** The longest a cluster command (create, start, stop, drop) may take before it is killed as hung. */
export const CLUSTER_COMMAND_LIMIT_MS = 60_000;

export async function createCluster(): Promise<Cluster> {
  const version = postgresVersion()!;
  const name = `cnlearn_fault_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  const run = async (command: string, args: string[]) => {
    await exec(command, args, { timeout: CLUSTER_COMMAND_LIMIT_MS });
  };
  // --no-sync: the cluster is thrown away, so initdb need not wait for the disk.
  await run('pg_createcluster', [version, name, '-p', String(port), '--', '--auth=trust', '--no-sync']);
  let dropped = false;
  let frozen: number[] = [];
  const signal = (pids: number[], sig: NodeJS.Signals) => pids.forEach((pid) => process.kill(pid, sig));
  const thaw = () => {
    signal(frozen, 'SIGCONT');
    frozen = [];
  };
  return {
    name,
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => run('pg_ctlcluster', [version, name, 'start']),
    stop: () => run('pg_ctlcluster', [version, name, 'stop', '-m', 'fast']),
    freeze: async () => {
      // pg_createcluster's default data directory; the postmaster's pid is the first line of postmaster.pid.
      const postmaster = readFileSync(`/var/lib/postgresql/${version}/${name}/postmaster.pid`, 'utf8').split('\n')[0]!;
      const { stdout } = await exec('pgrep', ['-P', postmaster.trim()]);
      frozen = [postmaster, ...stdout.split('\n')].filter((pid) => /^\d+$/.test(pid.trim())).map(Number);
      signal(frozen, 'SIGSTOP');
    },
    thaw,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      thaw(); // a frozen postmaster would never stop
      await run('pg_dropcluster', ['--stop', version, name]);
    },
  };
}
