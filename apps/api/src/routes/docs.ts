import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import type { AppEnv } from '../app-env';

export const SWAGGER_FILES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

const INIT = `window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
  });
});`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Clapboard API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

function readSwaggerFiles(): Record<keyof typeof SWAGGER_FILES, Uint8Array> {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return Object.fromEntries(
    Object.keys(SWAGGER_FILES).map((name) => [name, readFileSync(join(dir, name))]),
  ) as unknown as Record<keyof typeof SWAGGER_FILES, Uint8Array>;
}

/**
 * The interactive API docs at `/api/docs`, fully offline: Swagger UI's files come from the
 * `swagger-ui-dist` npm package and are served by the API itself (no CDN). The files are read once
 * when the app is built; the handlers then only return bytes, so they stay runtime-neutral.
 * `validatorUrl: null` stops Swagger UI from calling its online validator.
 */
export function docsRoutes(
  /** Swagger UI's files; default read from the installed package (the edge bundle embeds them). */
  files?: Record<keyof typeof SWAGGER_FILES, Uint8Array>,
) {
  const assets = files ?? readSwaggerFiles();
  const csp =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";
  const app = new Hono<AppEnv>();
  app.get('/api/docs', (c) => c.html(PAGE, 200, { 'content-security-policy': csp }));
  app.get('/api/docs/init.js', (c) =>
    c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  for (const [name, type] of Object.entries(SWAGGER_FILES) as [keyof typeof SWAGGER_FILES, string][]) {
    app.get(`/api/docs/${name}`, (c) =>
      c.body(new Uint8Array(assets[name]), 200, {
        'content-type': type,
        'cache-control': 'public, max-age=86400',
      }),
    );
  }
  return app;
}
