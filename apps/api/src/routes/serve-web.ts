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

/** What the served page tells the web app about this server, as `<meta>` tags in `index.html`. */
export interface PageMeta {
  /** `clapboard-realtime`: where the browser finds realtime (apps/web/src/lib/realtime-url.ts). */
  realtimeUrl?: string;
  /** `clapboard-uploads` = `direct`: files go straight to storage (apps/web/src/lib/upload-asset.ts). */
  directUploads?: boolean;
}

const attr = (value: string) => value.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** `index.html` with the page's `<meta>` tags (see PageMeta). */
export function withPageMeta(html: string, meta: PageMeta): string {
  const tags = [
    meta.realtimeUrl ? `<meta name="clapboard-realtime" content="${attr(meta.realtimeUrl)}">` : '',
    meta.directUploads ? '<meta name="clapboard-uploads" content="direct">' : '',
  ].join('');
  return tags ? html.replace('<head>', `<head>${tags}`) : html;
}

/**
 * Serves the built single-page app: files under `dist` by path (hashed assets cached for a year),
 * and `index.html` for any other non-API GET so deep links work. This is the one place the API
 * touches the filesystem for the web app, so it only exists under the Node adapter.
 */
export function serveWeb(dist: string, options: PageMeta = {}) {
  const root = resolve(dist);
  const indexFile = join(root, 'index.html');
  const indexHtml = () => withPageMeta(readFileSync(indexFile, 'utf8'), options);
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

/** A binding that answers for the built web app's files (Cloudflare's assets binding, a workerd disk service). */
export interface WebAssets {
  fetch(request: Request): Promise<Response>;
}

/**
 * The built web app from `assets` (the edge entry, which has no filesystem): files by path with
 * their content type and cache policy, `index.html` with the page's meta tags for any other non-API
 * GET so deep links work.
 */
export function serveWebFrom(assets: WebAssets, meta: PageMeta = {}) {
  const app = new Hono<AppEnv>();
  app.get('*', async (c, next) => {
    const url = new URL(c.req.url);
    if (isApiPath(decodeURIComponent(url.pathname))) return next();
    const dot = url.pathname.lastIndexOf('.');
    const type = dot > url.pathname.lastIndexOf('/') ? WEB_CONTENT_TYPES[url.pathname.slice(dot)] : undefined;
    if (type) {
      const file = await assets.fetch(new Request(url, { method: 'GET' }));
      if (file.ok)
        return c.body(await file.arrayBuffer(), 200, {
          'content-type': type,
          'cache-control': url.pathname.startsWith('/assets/')
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        });
    }
    // Cloudflare's assets binding may answer /index.html with a redirect to /; a disk service does not.
    let index = await assets.fetch(
      new Request(new URL('/index.html', url), { method: 'GET', redirect: 'manual' }),
    );
    if (!index.ok) index = await assets.fetch(new Request(new URL('/', url), { method: 'GET' }));
    if (!index.ok) return next();
    return c.body(withPageMeta(await index.text(), meta), 200, {
      'content-type': WEB_CONTENT_TYPES['.html']!,
      'cache-control': 'no-cache',
    });
  });
  return app;
}
