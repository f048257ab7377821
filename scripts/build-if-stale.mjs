// `npm start`'s prestart: builds only what is older than its sources, so a start after an unchanged checkout goes
// straight to the server (a full build takes tens of seconds; this check, milliseconds). The server is stale when
// any file in src/, a root tsconfig*.json or package.json is newer than dist/src/server.js; the pages when any file
// under web/ (except the browser tests) is newer than dist/web/index.html. Prints what it did in one line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = join(import.meta.dirname, '..');
const at = (...parts) => join(root, ...parts);
/** Not sources of the pages: Playwright's tests and config are read by `npm run test:web` only. */
const NOT_WEB_SOURCES = new Set([at('web', 'tests'), at('web', 'playwright.config.ts')]);

function mtime(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** The newest modification time among `paths` and every file below them. */
function newest(paths, skip = new Set()) {
  let latest = 0;
  for (const path of paths) {
    if (skip.has(path)) continue;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    latest = Math.max(latest, stat.mtimeMs);
    if (stat.isDirectory()) {
      const children = readdirSync(path).filter((name) => name !== 'node_modules' && !name.startsWith('.'));
      latest = Math.max(latest, newest(children.map((name) => join(path, name)), skip));
    }
  }
  return latest;
}

function run(what, command, args) {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build-if-stale: ${what} failed (${[command, ...args].map((part) => relative(root, part) || part).join(' ')})`);
    process.exit(result.status ?? 1);
  }
  return `${what} rebuilt in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

const done = [];
const tsconfigs = readdirSync(root).filter((name) => /^tsconfig.*\.json$/.test(name)).map((name) => at(name));
if (newest([at('src'), at('package.json'), ...tsconfigs]) > mtime(at('dist', 'src', 'server.js'))) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  done.push(run('server', process.execPath, [tsc, '-p', at('tsconfig.build.json')]));
} else {
  done.push('server up to date');
}

if (!existsSync(at('web', 'index.html'))) {
  done.push('no pages in web/');
} else if (newest([at('web')], NOT_WEB_SOURCES) > mtime(at('dist', 'web', 'index.html'))) {
  done.push(run('pages', process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build:web']));
} else {
  done.push('pages up to date');
}
console.log(`build-if-stale: ${done.join(', ')}`);
