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

/** Where the built web app's files come from. */
export interface WebFiles {
  /** A file by its URL path (`/assets/app-1234.js`), or null. */
  file(path: string): Promise<Uint8Array<ArrayBuffer> | null>;
  /** `index.html`, or null when there is no build. */
  index(): Promise<string | null>;
}

/** The build in a folder (the Node entry). This is the one place the API reads the web app from disk. */
export function webFilesInFolder(dist: string): WebFiles {
  const root = resolve(dist);
  return {
    async file(path) {
      const candidate = normalize(join(root, path));
      if (!candidate.startsWith(`${root}/`) || candidate.endsWith('/') || !existsSync(candidate)) return null;
      return readFileSync(candidate);
    },
    async index() {
      const file = join(root, 'index.html');
      return existsSync(file) ? readFileSync(file, 'utf8') : null;
    },
  };
}

/** A binding that answers for the built web app's files (Cloudflare's assets binding, a workerd disk service). */
export interface WebAssets {
  fetch(request: Request): Promise<Response>;
}

/** The build behind a binding (the edge entry, which has no filesystem). */
export function webFilesFromBinding(assets: WebAssets): WebFiles {
  const get = (path: string, init: RequestInit = {}) =>
    assets.fetch(new Request(new URL(path, 'http://assets.invalid'), { method: 'GET', ...init }));
  return {
    async file(path) {
      const res = await get(path);
      return res.ok ? new Uint8Array(await res.arrayBuffer()) : null;
    },
    async index() {
      // Cloudflare's assets binding may answer /index.html with a redirect to /; a disk service does not.
      let res = await get('/index.html', { redirect: 'manual' });
      if (!res.ok) res = await get('/');
      return res.ok ? res.text() : null;
    },
  };
}

/**
 * Serves the built single-page app: files by path with their content type (hashed assets under
 * `/assets/` cached for a year), and `index.html` with the page's meta tags for any other non-API
 * GET, so deep links work.
 */
export function serveWeb(files: WebFiles, meta: PageMeta = {}) {
  const app = new Hono<AppEnv>();
  app.get('*', async (c, next) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (isApiPath(path)) return next();
    const dot = path.lastIndexOf('.');
    const type = dot > path.lastIndexOf('/') ? WEB_CONTENT_TYPES[path.slice(dot)] : undefined;
    const bytes = type ? await files.file(path) : null;
    if (type && bytes)
      return c.body(bytes, 200, {
        'content-type': type,
        'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    const index = await files.index();
    if (index === null) return next();
    return c.body(withPageMeta(index, meta), 200, {
      'content-type': WEB_CONTENT_TYPES['.html']!,
      'cache-control': 'no-cache',
    });
  });
  return app;
}
