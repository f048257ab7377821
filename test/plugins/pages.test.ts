// The web pages served by the app, from a small fake build: files as built (pre-compressed when accepted), cache
// headers, index.html for page routes, the JSON 404 everywhere else, and the CSP the pages and /docs work under.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptsHtml, defaultPagesRoot } from '../../src/plugins/pages.js';
import { buildTestApp } from '../helpers/app.js';
import { captureLogs } from '../helpers/logs.js';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'; // a browser navigating
const NOT_FOUND = { detail: 'Not Found' };
const dir = mkdtempSync(join(tmpdir(), 'cnlearn-pages-'));
const root = join(dir, 'web');
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-4f2a.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = `console.log(${JSON.stringify('CNLearn '.repeat(200))});`;

let app: FastifyInstance;
beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(root, 'assets', 'index-4f2a.js'), SCRIPT);
  writeFileSync(join(root, 'assets', 'index-4f2a.js.br'), brotliCompressSync(SCRIPT));
  writeFileSync(join(root, 'assets', 'index-4f2a.js.gz'), gzipSync(SCRIPT));
  writeFileSync(join(root, 'assets', 'index-9c1d.css'), 'body { margin: 0 }');
  app = await buildTestApp({}, { pagesRoot: root });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A Content-Security-Policy header as { directive: sources }. */
function directives(header: unknown): Record<string, string> {
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name!, sources.join(' ')]),
  );
}

const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' | 'POST' = 'GET') =>
  app.inject({ method, url, headers });

describe('the built files', () => {
  it('/ is index.html, revalidated on every visit, under a CSP without inline scripts or styles', async () => {
    const response = await get('/', { accept: HTML });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    const csp = directives(response.headers['content-security-policy']);
    expect(csp).toMatchObject({ 'script-src': "'self'", 'style-src': "'self'", 'script-src-attr': "'none'", 'default-src': "'self'" });
    expect(Object.values(csp).join(' ')).not.toContain('unsafe-inline');
  });

  it('assets are immutable, and sent pre-compressed when the client accepts it', async () => {
    const plain = await get('/assets/index-4f2a.js');
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(SCRIPT);
    expect(plain.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    for (const [accept, encoding, file] of [
      ['br, gzip', 'br', 'index-4f2a.js.br'],
      ['gzip', 'gzip', 'index-4f2a.js.gz'],
    ] as const) {
      const response = await get('/assets/index-4f2a.js', { 'accept-encoding': accept });
      expect(response.headers['content-encoding']).toBe(encoding);
      expect(response.headers['content-type']).toBe(plain.headers['content-type']);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(response.rawPayload.equals(readFileSync(join(root, 'assets', file)))).toBe(true);
    }
    const css = await get('/assets/index-9c1d.css', { 'accept-encoding': 'br' }); // no .br beside it: the file itself
    expect([css.statusCode, css.body, css.headers['content-encoding']]).toEqual([200, 'body { margin: 0 }', undefined]);
    expect((await get('/favicon.svg')).headers['content-type']).toMatch(/^image\/svg\+xml/);
  });

  it('a missing asset is the JSON 404', async () => {
    const response = await get('/assets/index-0000.js', { accept: '*/*' });
    expect([response.statusCode, response.json()]).toEqual([404, NOT_FOUND]);
  });
});

describe('page routes', () => {
  it('any path the API does not own gets index.html when the browser asks for HTML (GET and HEAD)', async () => {
    for (const url of ['/login', '/profile', '/admin/users', '/reset-password?token=abc', '/no/such/page', '/healthz', '/apikeys']) {
      const response = await get(url, { accept: HTML });
      expect(response.statusCode, url).toBe(200);
      expect(response.body, url).toBe(INDEX);
      expect(response.headers['cache-control'], url).toBe('no-cache');
      const head = await get(url, { accept: HTML }, 'HEAD');
      expect([head.statusCode, head.body], url).toEqual([200, '']);
      expect(head.headers['content-type'], url).toMatch(/^text\/html/);
    }
  });

  it('the API, docs, document and probes never fall back to a page', async () => {
    for (const url of ['/api', '/api/v1/nope', '/api/v1/users/1/nope', '/API/v1/nope', '/docs/nope', '/openapi.json/x', '/health/x', '/ready/x']) {
      const response = await get(url, { accept: HTML });
      expect([response.statusCode, response.json()], url).toEqual([404, NOT_FOUND]);
    }
    // The router's own refusals stay: an over-long path segment is still a 414, not a page or a 404.
    const long = await get(`/api/v1/users/${'x'.repeat(800)}`, { accept: HTML });
    expect([long.statusCode, long.json()]).toEqual([414, { detail: 'URI Too Long' }]);
    expect((await get('/health', { accept: HTML })).json()).toEqual({ status: 'ok' });
    expect((await get('/openapi.json', { accept: HTML })).json().openapi).toBe('3.1.0');
  });

  it('requests that do not ask for HTML, or are not GET/HEAD, keep the JSON 404', async () => {
    for (const accept of [undefined, '*/*', 'application/json', 'text/html;q=0']) {
      const response = await get('/login', accept === undefined ? {} : { accept });
      expect([response.statusCode, response.json()], String(accept)).toEqual([404, NOT_FOUND]);
    }
    const post = await get('/login', { accept: HTML }, 'POST');
    expect([post.statusCode, post.json()]).toEqual([404, NOT_FOUND]);
  });

  it('acceptsHtml reads the Accept header as browsers write it', () => {
    expect(acceptsHtml(HTML)).toBe(true);
    expect(acceptsHtml('TEXT/HTML; charset=utf-8')).toBe(true);
    expect(acceptsHtml('text/html;q=0.5')).toBe(true);
    expect(acceptsHtml('text/html;q=0.0, */*')).toBe(false);
    expect(acceptsHtml('*/*')).toBe(false);
    expect(acceptsHtml(undefined)).toBe(false);
  });
});

describe('/docs beside the pages', () => {
  it('keeps working: its page and assets load, scripts from self only', async () => {
    const docs = await get('/docs/', { accept: HTML });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger-ui');
    expect(directives(docs.headers['content-security-policy'])).toMatchObject({ 'script-src': "'self'", 'script-src-attr': "'none'" });
    expect((await get('/docs/static/swagger-ui-bundle.js')).body.length).toBeGreaterThan(100_000);
  });
});

describe('without a build', () => {
  it('registers nothing, says so in the log, and unknown paths stay the JSON 404', async () => {
    const logs = captureLogs();
    const bare = await buildTestApp({ LOG_LEVEL: 'info' }, { pagesRoot: join(dir, 'missing'), logStream: logs.stream });
    try {
      for (const url of ['/', '/login']) {
        const response = await bare.inject({ url, headers: { accept: HTML } });
        expect([response.statusCode, response.json()]).toEqual([404, NOT_FOUND]);
      }
      const line = logs.lines.find((entry) => String(entry.msg).startsWith('web pages are not built'));
      expect(line).toMatchObject({ level: 30, root: join(dir, 'missing') });
    } finally {
      await bare.close();
    }
  });

  it('the default root is <project>/dist/web, from the sources and from the build alike', () => {
    const project = join(import.meta.dirname, '..', '..');
    expect(defaultPagesRoot()).toBe(join(project, 'dist', 'web'));
    expect(defaultPagesRoot(join(project, 'dist', 'src', 'plugins'))).toBe(join(project, 'dist', 'web'));
  });
});
