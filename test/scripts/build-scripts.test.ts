// scripts/compress-assets.mjs and scripts/build-if-stale.mjs, run as `npm run build:web` and `npm start` run them,
// on throwaway folders: build-if-stale in a fake project whose compiler and page build only record that they ran.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPTS = join(import.meta.dirname, '..', '..', 'scripts');
const dir = mkdtempSync(join(tmpdir(), 'cnlearn-build-scripts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string | Buffer) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('compress-assets', () => {
  it('writes .br and .gz beside each asset only when smaller, and never compresses them again', () => {
    const assets = join(dir, 'assets');
    const script = `export const words = ${JSON.stringify('汉字 CNLearn '.repeat(500))};`;
    write(join(assets, 'index-1a2b.js'), script);
    write(join(assets, 'logo-3c4d.png'), randomBytes(4096)); // incompressible, as images are
    const run = () => execFileSync(process.execPath, [join(SCRIPTS, 'compress-assets.mjs'), assets], { encoding: 'utf8' });
    expect(run()).toMatch(/^compress-assets: 2 files, 2 compressed copies; /);
    expect(readdirSync(assets).sort()).toEqual(['index-1a2b.js', 'index-1a2b.js.br', 'index-1a2b.js.gz', 'logo-3c4d.png']);
    expect(brotliDecompressSync(readFileSync(join(assets, 'index-1a2b.js.br'))).toString()).toBe(script);
    expect(gunzipSync(readFileSync(join(assets, 'index-1a2b.js.gz'))).toString()).toBe(script);
    expect(readFileSync(join(assets, 'index-1a2b.js.br')).length).toBeLessThan(readFileSync(join(assets, 'index-1a2b.js.gz')).length);
    run();
    expect(readdirSync(assets)).toHaveLength(4);
  });
});

describe('build-if-stale', () => {
  const project = join(dir, 'project');
  const ran = join(project, 'ran.log');
  // Stand-ins that record their run and write the file the script compares against.
  const record = (what: string, output: string) =>
    `const fs = require('node:fs'); const path = require('node:path');\n` +
    `fs.appendFileSync(${JSON.stringify(ran)}, '${what}\\n');\n` +
    `fs.mkdirSync(path.dirname(${JSON.stringify(output)}), { recursive: true }); fs.writeFileSync(${JSON.stringify(output)}, '');\n` +
    `if (fs.existsSync(${JSON.stringify(join(project, 'fail'))})) process.exit(2);\n`;

  write(join(project, 'package.json'), JSON.stringify({ name: 'fake', private: true, scripts: { 'build:web': 'node make-web.cjs' } }));
  write(join(project, 'make-web.cjs'), record('pages', join(project, 'dist', 'web', 'index.html')));
  write(join(project, 'node_modules', 'typescript', 'bin', 'tsc'), record('server', join(project, 'dist', 'src', 'server.js')));
  write(join(project, 'scripts', 'build-if-stale.mjs'), readFileSync(join(SCRIPTS, 'build-if-stale.mjs')));
  for (const file of ['src/server.ts', 'src/plugins/pages.ts', 'tsconfig.json', 'tsconfig.build.json', 'web/index.html', 'web/src/main.tsx', 'web/tests/login.spec.ts', 'web/playwright.config.ts']) {
    write(join(project, file), '');
  }

  /** Runs the script; returns its one line and what it rebuilt. */
  function start() {
    rmSync(ran, { force: true });
    const result = spawnSync(process.execPath, [join(project, 'scripts', 'build-if-stale.mjs')], { cwd: project, encoding: 'utf8' });
    const built = existsSync(ran) ? readFileSync(ran, 'utf8').trim().split('\n') : [];
    return { status: result.status, line: result.stdout.trim().split('\n').at(-1) ?? '', stderr: result.stderr, built };
  }

  /** Resets the age of every file and folder of the fake project: sources an hour old, build outputs a bit younger. */
  const base = Date.now() / 1000 - 3600;
  const outputs = new Set([join(project, 'dist', 'src', 'server.js'), join(project, 'dist', 'web', 'index.html')]);
  function settle(path = project) {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      const age = outputs.has(child) ? base + 10 : base;
      if (entry.isDirectory()) settle(child);
      else utimesSync(child, age, age);
    }
    utimesSync(path, base, base);
  }

  /** Edits `files` after the last build. */
  function change(...files: string[]) {
    settle();
    for (const file of files) utimesSync(join(project, file), base + 20, base + 20);
  }

  it('builds what is missing, then nothing while the sources are older than the builds', () => {
    const first = start();
    expect(first.built).toEqual(['server', 'pages']);
    expect(first.line).toMatch(/^build-if-stale: server rebuilt in \d+\.\d s, pages rebuilt in \d+\.\d s$/);
    const second = start();
    expect(second.built).toEqual([]);
    expect(second.line).toBe('build-if-stale: server up to date, pages up to date');
  });

  it('rebuilds only the side whose sources changed', () => {
    change('web/src/main.tsx');
    expect(start().built).toEqual(['pages']);
    for (const file of ['src/plugins/pages.ts', 'tsconfig.build.json', 'package.json']) {
      change(file);
      expect(start().built, file).toEqual(['server']);
    }
    change('src/server.ts', 'web/index.html');
    expect(start().built).toEqual(['server', 'pages']);
    change();
    expect(start().built).toEqual([]);
  });

  it('ignores the browser tests and their config', () => {
    change('web/tests/login.spec.ts', 'web/playwright.config.ts');
    expect(start().line).toBe('build-if-stale: server up to date, pages up to date');
  });

  it('a failed build stops the start with a non-zero exit', () => {
    write(join(project, 'fail'), '');
    change('src/server.ts');
    const failed = start();
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toContain('build-if-stale: server failed');
    rmSync(join(project, 'fail'));
  });
});
