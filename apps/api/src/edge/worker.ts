/**
 * The API on workerd (Cloudflare Workers' runtime): the same Hono app `main.ts` serves on Node.
 *
 * Built into one ES module by `scripts/build-edge.ts` (`npm run build:edge`), run locally by
 * `npm run dev:edge` (workerd with a generated config) and deployable with the `wrangler.toml`
 * beside it. What differs from the Node entry, and why:
 * - Postgres, Redis and BullMQ connections are opened per request (workerd ties a socket to the
 *   request that opened it) through `perRequest` stand-ins, and closed after the response is sent.
 *   Point DATABASE_URL at a connection pooler (PgBouncer, Hyperdrive) in production.
 * - Jobs are submitted through the transactional outbox only: the row and its outbox entry commit
 *   together and the dispatcher on the Node side (API or worker fleet) queues the flow.
 * - Passwords are hashed by a portable argon2id (`#argon2` resolves to @noble/hashes here); the
 *   hashes are the same PHC strings the Node API writes and reads.
 * - Assets live in S3-compatible storage (S3_BUCKET is required). Reading an upload needs ffprobe
 *   and sharp, so the edge asks a Node API's probe service (MEDIA_PROBE_URL + MEDIA_PROBE_TOKEN)
 *   to read the stored file; without one, uploads answer 503.
 * - No /metrics, no /admin/queues, no project-list cache and no local deny-list mirror: each is a
 *   long-lived process's job. Revocation is checked in Postgres on every request
 *   (`postgresRevocations`), so a read opens no Redis connection at all.
 * - The client address comes from `CF-Connecting-IP`, which Cloudflare sets on every request.
 */

// Embedded by build-edge.ts.
import 'clapboard:pdf-standard-fonts';
import lessonPlayerFiles from 'clapboard:lesson-player-files';
import swaggerFiles from 'clapboard:swagger-files';
import { createSql, type Sql } from '@clapboard/server/db';
import { createJobEmitter, createJobQueues } from '@clapboard/server/jobs';
import { provideLessonPlayerFiles } from '@clapboard/server/lesson-player';
import { createLogger } from '@clapboard/server/logger';
import { createRedis, type Redis } from '@clapboard/server/redis';
import { redisNames } from '@clapboard/server/redis-keys';
import { postgresRevocations } from '@clapboard/server/sessions';
import { createBlobStoreFromEnv } from '@clapboard/server/storage';
import type { ExecutionContext } from 'hono';
import postgres from 'postgres';
import { type App, createApp } from '../app';
import { postgresLimitStore } from '../auth/limit-store';
import { limitsFromEnv, loadEnv } from '../env';
import { HttpError } from '../errors/http-error';
import type { MediaProbe } from '../media/media-probe';
import { createRemoteMediaProbe } from '../media/remote-media-probe';
import { s3MediaOrigins } from '../middleware/s3-media-origins';
import { closeScope, current, inScope, newScope, perRequest } from './request-scope';

/** The bindings a deployment gives the worker: the API's environment variables, as text. */
export type EdgeBindings = Record<string, unknown> & {
  /** Static assets (the built web app): Cloudflare's assets binding, or a workerd disk service. */
  ASSETS?: { fetch(request: Request): Promise<Response> };
};

function textBindings(bindings: EdgeBindings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(bindings)) if (typeof value === 'string') out[name] = value;
  return out;
}

function buildApp(bindings: EdgeBindings): App {
  provideLessonPlayerFiles(lessonPlayerFiles);
  const env = loadEnv(textBindings(bindings));
  if (!env.S3_BUCKET)
    throw new Error(
      'The edge API keeps assets in S3-compatible storage: set S3_BUCKET (and S3_ENDPOINT, S3_REGION, keys) in its bindings.',
    );
  // One JSON line per entry on the console: what workerd prints and Cloudflare's logs collect.
  const log = createLogger('api-edge', {
    level: env.LOG_LEVEL,
    destination: { write: (line: string) => console.log(line.trimEnd()) },
  });
  const names = redisNames(env.REDIS_PREFIX);

  const openRedis = () => {
    // No INFO ready check: a connection per request would pay its round trip every time.
    // (nor CLIENT SETINFO, which Redis before 7.2 answers with an error to build and throw away).
    const redis = createRedis(env.REDIS_URL, {
      connectTimeout: 5_000,
      enableReadyCheck: false,
      disableClientInfo: true,
    });
    redis.on('error', (err) => log.warn({ err }, 'redis connection error'));
    return redis;
  };
  const closeRedis = (redis: Redis) => redis.quit().catch(() => redis.disconnect());
  const requestRedis = () => current('redis', openRedis, closeRedis);

  // One connection per request. Named prepared statements would never be reused, and a transaction
  // pooler (the production setup) cannot keep them. postgres.js asks every new connection for the
  // database's array types (it needs them to send array parameters such as `uuid[]`); parsing that
  // answer was a third of a request's CPU here, so the first connection's answer is kept and later
  // clients start from its parsed options (postgres.js takes an options object it made itself as is).
  let learned: (Sql['options'] & { shared: { typeArrayMap: Record<number, number> } }) | undefined;
  const openSql = (): Sql =>
    learned
      ? (postgres as unknown as (options: unknown) => Sql)({
          ...learned,
          fetch_types: false,
          shared: { retries: 0, typeArrayMap: learned.shared.typeArrayMap },
        })
      : createSql(env.DATABASE_URL, { max: 4, applicationName: 'clapboard-api-edge', prepare: false });
  const closeSql = (client: Sql) => {
    const options = client.options as NonNullable<typeof learned>;
    if (!learned && Object.keys(options.shared.typeArrayMap).length > 0) learned = options;
    return client.end({ timeout: 5 });
  };
  const sql = perRequest('sql', openSql, closeSql);
  const app = createApp({
    sql,
    // The session check every request makes reads Postgres (already open for the request) rather
    // than opening a Redis connection for one EXISTS.
    revocations: postgresRevocations(sql),
    // Rate limits and the sign-in throttle count in Postgres too: sign-in opens no Redis connection.
    limitStore: postgresLimitStore(sql),
    redis: perRequest('redis', openRedis, closeRedis),
    queues: perRequest(
      'queues',
      () => createJobQueues(requestRedis(), names.queuePrefix),
      (queues) => queues.close(),
    ),
    // The emitter publishes through whichever request's Redis is current when it emits.
    emitter: createJobEmitter(perRequest('redis', openRedis, closeRedis), names.socketKey),
    submitThroughOutbox: true,
    swaggerFiles,
    log,
    jwtSecret: env.JWT_SECRET,
    dataDir: env.DATA_DIR,
    publicUrl: env.PUBLIC_URL ?? 'http://localhost:8787',
    realtimePublicUrl: env.REALTIME_PUBLIC_URL,
    redisPrefix: names.prefix,
    blobStore: createBlobStoreFromEnv(env),
    probe:
      env.MEDIA_PROBE_URL && env.MEDIA_PROBE_TOKEN
        ? createRemoteMediaProbe({ url: env.MEDIA_PROBE_URL, token: env.MEDIA_PROBE_TOKEN })
        : noMediaProbe,
    ...limitsFromEnv(env),
    peerAddress: (c) => c.req.header('cf-connecting-ip'),
    mediaOrigins: s3MediaOrigins(env),
    // The built web app, served by the app (security headers, access log) from the ASSETS binding.
    webAssets: bindings.ASSETS,
  });
  return app;
}

/** Reading an upload's real properties spawns ffprobe and runs sharp: a Node API's work. */
const noMediaProbe: MediaProbe = {
  async probe() {
    throw new HttpError(
      503,
      'unavailable',
      'This edge API has no media probe service (MEDIA_PROBE_URL and MEDIA_PROBE_TOKEN), so uploaded files cannot be read; upload through a Node API instead.',
    );
  },
};

let built: { app: App } | { error: unknown } | undefined;

export default {
  async fetch(request: Request, bindings: EdgeBindings, ctx: ExecutionContext): Promise<Response> {
    if (!built) {
      try {
        built = { app: buildApp(bindings) };
      } catch (error) {
        built = { error };
      }
    }
    if ('error' in built) {
      const message = built.error instanceof Error ? built.error.message : String(built.error);
      return Response.json({ error: { code: 'misconfigured', message } }, { status: 500 });
    }
    const app = built.app;
    const scope = newScope();
    let response: Response;
    try {
      response = await inScope(scope, () => app.fetch(request, bindings, ctx));
    } catch (err) {
      ctx.waitUntil(closeScope(scope));
      throw err;
    }
    if (!response.body) {
      ctx.waitUntil(closeScope(scope));
      return response;
    }
    // The body may still read from the request's connections (a streamed export): close them
    // once it has been sent, or the client went away.
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    ctx.waitUntil(
      inScope(scope, () => (response.body as ReadableStream<Uint8Array>).pipeTo(writable)).then(
        () => closeScope(scope),
        () => closeScope(scope),
      ),
    );
    return new Response(readable, response);
  },
};
