import { existsSync, readFileSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';

/** Content types of the files a web build holds (also the edge entry's, for its assets binding). */
export const WEB_CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/** Paths the API answers; every other GET is the web app's. */
export const isApiPath = (path: string) =>
  path.startsWith('/api/') || path === '/healthz' || path === '/readyz' || path.startsWith('/admin/');

/** `index.html` with `<meta name="clapboard-realtime">`, where the browser finds realtime (apps/web/src/lib/realtime-url.ts). */
export function withRealtimeMeta(html: string, realtimeUrl: string | undefined): string {
  if (!realtimeUrl) return html;
  const meta = `<meta name="clapboard-realtime" content="${realtimeUrl.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`)}">`;
  return html.replace('<head>', `<head>${meta}`);
}

/**
 * Serves the built single-page app: files under `dist` by path (hashed assets cached for a year),
 * and `index.html` for any other non-API GET so deep links work. This is the one place the API
 * touches the filesystem for the web app, so it only exists under the Node adapter.
 */
export function serveWeb(dist: string, options: { realtimeUrl?: string } = {}) {
  const root = resolve(dist);
  const indexFile = join(root, 'index.html');
  const indexHtml = () => withRealtimeMeta(readFileSync(indexFile, 'utf8'), options.realtimeUrl);
  const app = new Hono<AppEnv>();
  app.get('*', async (c, next) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (isApiPath(path)) return next();
    const candidate = normalize(join(root, path));
    if (candidate.startsWith(root + '/') && existsSync(candidate) && !candidate.endsWith('/')) {
      const ext = candidate.slice(candidate.lastIndexOf('.'));
      const type = WEB_CONTENT_TYPES[ext];
      if (type) {
        const immutable = path.startsWith('/assets/');
        return c.body(readFileSync(candidate), 200, {
          'content-type': type,
          'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
    }
    if (!existsSync(indexFile)) return next();
    return c.body(indexHtml(), 200, {
      'content-type': WEB_CONTENT_TYPES['.html']!,
      'cache-control': 'no-cache',
    });
  });
  return app;
}
