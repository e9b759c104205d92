import { existsSync, readFileSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';

const TYPES: Record<string, string> = {
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

/**
 * Serves the built single-page app: files under `dist` by path (hashed assets cached for a year),
 * and `index.html` for any other non-API GET so deep links work. This is the one place the API
 * touches the filesystem for the web app, so it only exists under the Node adapter.
 */
export function serveWeb(dist: string, options: { realtimeUrl?: string } = {}) {
  const root = resolve(dist);
  const indexFile = join(root, 'index.html');
  // Where the browser finds realtime (apps/web/src/lib/realtime-url.ts reads this tag).
  const meta = options.realtimeUrl
    ? `<meta name="clapboard-realtime" content="${options.realtimeUrl.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`)}">`
    : '';
  const indexHtml = () => {
    const html = readFileSync(indexFile, 'utf8');
    return meta ? html.replace('<head>', `<head>${meta}`) : html;
  };
  const app = new Hono<AppEnv>();
  app.get('*', async (c, next) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (path.startsWith('/api/') || path === '/healthz' || path === '/readyz' || path.startsWith('/admin/'))
      return next();
    const candidate = normalize(join(root, path));
    if (candidate.startsWith(root + '/') && existsSync(candidate) && !candidate.endsWith('/')) {
      const ext = candidate.slice(candidate.lastIndexOf('.'));
      const type = TYPES[ext];
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
      'content-type': TYPES['.html']!,
      'cache-control': 'no-cache',
    });
  });
  return app;
}
