import type { Sql } from '@clapboard/server/db';
import type { Logger } from '@clapboard/server/logger';
import type { Redis } from '@clapboard/server/redis';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import { notFound, validationFailed } from './errors/http-error';
import { createErrorHandler } from './errors/on-error';
import { requestContext } from './middleware/request-context';
import { healthRoutes } from './routes/health';
import { serveWeb } from './routes/serve-web';
import { versionRoutes } from './routes/versions';

/** Everything the API needs from outside; tests pass real ones of their own. */
export interface AppDeps {
  sql: Sql;
  redis: Redis;
  log: Logger;
  /** HMAC secret for access tokens and realtime tickets (>= 32 chars). */
  jwtSecret: string;
  /** Where the local blob store and other local state live. */
  dataDir: string;
  /** Public origin (e.g. http://localhost:8787) for cookies and signed URLs. */
  publicUrl: string;
  /** Built web app folder to serve at `/`, when set. */
  webDist?: string;
  /** Reported by /healthz. */
  version?: string;
}

/**
 * Builds the Hono app. Handlers use Web-standard APIs only (Request/Response, WebCrypto), so the
 * same app runs under @hono/node-server (main.ts), an edge runtime, or `app.request()` in tests.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures from any route become our 400 error body with the zod issues.
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.error.issues);
    },
  });
  app.use('*', requestContext(deps.log));
  app.onError(createErrorHandler(deps.log));

  app.route('/', healthRoutes(deps));
  app.route('/', versionRoutes(deps));

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Clapboard API',
      version: deps.version ?? '0.1.0',
      description: 'Self-hosted team video studio.',
    },
  });

  if (deps.webDist) app.route('/', serveWeb(deps.webDist));
  app.notFound(() => {
    throw notFound('Route');
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
