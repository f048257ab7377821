// The web pages (web/, built by Vite into dist/web) from this same process, so pages and API share one origin:
// no CORS, and the refresh cookie stays SameSite=Strict. Files are served as built, with the .br/.gz written
// beside the assets by scripts/compress-assets.mjs when the client accepts them. Page routes (/login, /profile …)
// have no file: a browser navigating to any path the API does not own gets index.html, and the pages' router
// draws the page (or its own 404). API clients keep the JSON 404.
import { existsSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface PagesOptions {
  /** The built pages; by default <project>/dist/web. */
  root?: string | undefined;
}

/** <project>/dist/web, found from this file (src/plugins or dist/src/plugins), never from the working directory. */
export function defaultPagesRoot(start = import.meta.dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web');
    if (dirname(dir) === dir) return join(start, 'dist', 'web');
  }
}

/** Paths that belong to the API and its docs: never answered with a page. */
const API_PATHS = /^\/(?:api|docs|openapi\.json|health|ready)(?:\/|$)/i;
/** Vite's hashed file names: a new build writes new names, so a cached copy never goes stale. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** True when the Accept header lists text/html (as browsers do when they navigate), with a non-zero weight. */
export function acceptsHtml(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    return type === 'text/html' && !params.some((param) => /^q=0(?:\.0*)?$/.test(param));
  });
}

export default fp(
  async (app, options: PagesOptions) => {
    const root = options.root ?? defaultPagesRoot();
    if (!existsSync(join(root, 'index.html'))) {
      app.log.info({ root }, 'web pages are not built (npm run build:web): serving the API only');
      return;
    }
    const assets = join(root, 'assets') + sep;
    await app.register(fastifyStatic, {
      root,
      // Routes for the files present at start: a rebuild is served after a restart (npm start rebuilds first).
      wildcard: false,
      preCompressed: true,
      // HTML must be revalidated on every visit, so a new build's asset names are picked up at once.
      setHeaders: (reply, path) => {
        if (path.startsWith(assets)) reply.header('cache-control', IMMUTABLE);
        else if (basename(path) === 'index.html') reply.header('cache-control', 'no-cache');
      },
    });

    app.notFoundFallback = (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
      const path = request.url.split('?', 1)[0]!;
      if (API_PATHS.test(path) || !acceptsHtml(request.headers.accept)) return undefined;
      return reply.code(200).sendFile('index.html');
    };
  },
  { name: 'pages', dependencies: ['errors'] },
);
