import type { Sql } from '@clapboard/server/db';
import type { JobEmitter, JobQueues } from '@clapboard/server/jobs';
import type { Logger } from '@clapboard/server/logger';
import type { Registry } from '@clapboard/server/metrics';
import type { Redis } from '@clapboard/server/redis';
import type { RevocationCheck } from '@clapboard/server/sessions';
import type { BlobStore } from '@clapboard/server/storage';
import type { AssetKind } from '@clapboard/shared/api';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './app-env';
import type { PeerAddress } from './auth/client-ip';
import type { LimitStore } from './auth/limit-store';
import type { BriefDraftRate } from './auth/rate-limit';
import { notFound, validationFailed } from './errors/http-error';
import { createErrorHandler } from './errors/on-error';
import type { Mailer } from './mail/mailer';
import type { MediaProbe } from './media/media-probe';
import { probeServiceRoutes } from './media/probe-service';
import { bodyLimits } from './middleware/body-limits';
import { evictWritersPages } from './middleware/evict-writers-pages';
import { metricsMiddleware } from './middleware/metrics';
import { requestContext } from './middleware/request-context';
import { securityHeaders } from './middleware/security-headers';
import type { ProjectListCache } from './projects/project-list-cache';
import { accountRoutes } from './routes/account';
import { adminQueueRoutes } from './routes/admin-queues';
import { approvalRoutes } from './routes/approvals';
import { assetDownloadRoutes } from './routes/asset-downloads';
import { assetRoutes } from './routes/assets';
import { authRoutes, type LoginRateLimit, type RegisterRateLimit } from './routes/auth';
import { brandKitRoutes } from './routes/brand-kits';
import { briefRoutes } from './routes/briefs';
import { budgetRoutes } from './routes/budget';
import { campaignMoneyRoutes } from './routes/campaign-money';
import { campaignRoutes } from './routes/campaigns';
import { clientRoutes } from './routes/clients';
import { commentRoutes } from './routes/comments';
import { consentRoutes } from './routes/consents';
import { deliverableRoutes } from './routes/deliverables';
import { directUploadRoutes } from './routes/direct-uploads';
import { docsRoutes } from './routes/docs';
import { galleryRoutes } from './routes/gallery';
import { healthRoutes } from './routes/health';
import { type JobSubmitRate, jobRoutes } from './routes/jobs';
import { lectureRoutes } from './routes/lectures';
import { type EmbedRateLimit, lessonEmbedRoutes } from './routes/lesson-embed';
import { lessonShareRoutes } from './routes/lesson-shares';
import { lessonRoutes } from './routes/lessons';
import { memberRoutes } from './routes/members';
import { modelRoutes } from './routes/models';
import { notificationRoutes } from './routes/notifications';
import { projectRoutes } from './routes/projects';
import { realtimeTicketRoutes } from './routes/realtime-tickets';
import { renderDeliverableRoutes } from './routes/render-deliverables';
import { reviewExportRoutes } from './routes/review-exports';
import { scriptImportRoutes } from './routes/script-imports';
import { serveWeb, type WebAssets, webFilesFromBinding, webFilesInFolder } from './routes/serve-web';
import { uploadRoutes } from './routes/uploads';
import { variantRenderRoutes } from './routes/variant-renders';
import { variantRoutes } from './routes/variants';
import { versionRoutes } from './routes/versions';
import type { ResumableLimits } from './uploads/resumable-limits';

/** Everything the API needs from outside; tests pass real ones of their own. */
export interface AppDeps {
  sql: Sql;
  redis: Redis;
  log: Logger;
  /** HMAC secret for access tokens, realtime tickets and signed asset URLs (>= 32 chars). */
  jwtSecret: string;
  /** Where the local blob store and other local state live. */
  dataDir: string;
  /** Public origin (e.g. http://localhost:8787) for cookies and signed URLs. */
  publicUrl: string;
  /** Asset bytes: a local directory or an S3-compatible bucket. */
  blobStore: BlobStore;
  /** Reads uploaded media (sharp, ffprobe); Node-only, so injected. */
  probe: MediaProbe;
  /** Per-kind byte limits and the image pixel limit; defaults in DEFAULT_UPLOAD_LIMITS. */
  uploadLimits?: { maxBytes?: Partial<Record<AssetKind, number>>; maxImagePixels?: number };
  /** Resumable (tus) upload bounds; defaults in DEFAULT_RESUMABLE_LIMITS (4 GiB, 3 open per user, 24 h). */
  resumableLimits?: Partial<ResumableLimits>;
  /** Sign-in limits; defaults in DEFAULT_LOGIN_RATE_LIMIT (20 per address per minute, backoff after 5 wrong passwords per address+account). */
  loginRateLimit?: Partial<LoginRateLimit>;
  /** Registration and reset-request limits; defaults in DEFAULT_REGISTER_RATE_LIMIT (10 per address, 3 per email per hour). */
  registerRateLimit?: Partial<RegisterRateLimit>;
  /** Jobs one member may start per minute; defaults in DEFAULT_JOB_SUBMIT_RATE (300). */
  jobSubmitRate?: Partial<JobSubmitRate>;
  /**
   * The clock campaign budgets count their days by (which day a submit is charged to, when a daily
   * limit lifts) and spend reports default their range from; default the real clock.
   */
  now?: () => Date;
  /** Storyboard drafts from briefs one member may ask for per hour; defaults in DEFAULT_BRIEF_DRAFT_RATE (30). */
  briefDraftRate?: Partial<BriefDraftRate>;
  /** Sends reset links and account notices; absent: no email, instance admins issue reset links. */
  mailer?: Mailer;
  /** Lifetime of password reset links (seconds); default 3600. */
  passwordResetTtlSec?: number;
  /** How long a just-rotated refresh token still yields its successor (concurrent tabs); default 10 s. */
  refreshGraceSec?: number;
  /** Requests per IP per window on the public share-link routes; default 600 per 60 s. */
  embedRateLimit?: Partial<EmbedRateLimit>;
  /** Origins besides this one that images and media may load from (an S3 bucket); default none. */
  mediaOrigins?: readonly string[];
  /** Largest JSON (buffered) request body in bytes; default BODY_LIMIT_DEFAULTS.jsonBytes (1 MiB). */
  jsonBodyLimitBytes?: number;
  /** Lifetime of signed asset URLs (seconds); default 3600. */
  assetUrlTtlSec?: number;
  /** The peer address from the runtime (Node: the socket), for rate limits and the audit log. */
  peerAddress?: PeerAddress;
  /** Believe the last X-Forwarded-For entry (only behind a reverse proxy we run); default false. */
  trustProxy?: boolean;
  /** Counters of rate limits and the sign-in throttle; default Redis (`redisLimitStore`). */
  limitStore?: LimitStore;
  /** Local mirror of the session deny-list (createRevocationCache); without it requests ask Redis. */
  revocations?: RevocationCheck;
  /** Namespace for this app's Redis keys; default `clapboard`. */
  redisPrefix?: string;
  /** Built web app folder to serve at `/`, when set. */
  webDist?: string;
  /** The built web app from a binding instead of a folder (the edge entry). */
  webAssets?: WebAssets;
  /** Written into the served index.html as `<meta name="clapboard-realtime">` (see REALTIME_PUBLIC_URL). */
  realtimePublicUrl?: string;
  /** Reported by /healthz. */
  version?: string;
  /** BullMQ producer side: flows and queues. */
  queues: JobQueues;
  /**
   * Leave every new or retried run's flow to the outbox dispatcher (which a Node API or worker
   * runs) instead of adding it in the request: the edge entry. Default false.
   */
  submitThroughOutbox?: boolean;
  /** Socket.IO emitter through Redis, for job and project events. */
  emitter?: JobEmitter;
  /** Static file serving of the runtime (Node's in main.ts); enables the /admin/queues dashboard. */
  serveStatic?: Parameters<typeof adminQueueRoutes>[0]['serveStatic'];
  /** Kept project-list pages, dropped on Postgres notifications; without it every list reads Postgres. */
  projectListCache?: ProjectListCache;
  /** Serve the media probe to other API instances (the edge) holding this token; absent: not served. */
  probeServiceToken?: string;
  /** Swagger UI's files for /api/docs; default read from the installed swagger-ui-dist. */
  swaggerFiles?: Parameters<typeof docsRoutes>[0];
  /** Prometheus registry served at `/metrics` (optionally behind a bearer token); absent: no metrics. */
  metrics?: { registry: Registry; token?: string };
}

/**
 * Builds the Hono app. Handlers use Web-standard APIs only (Request/Response, WebCrypto), so the
 * same app runs under @hono/node-server (main.ts), an edge runtime, or `app.request()` in tests.
 * Node-only work (files on disk, ffprobe) lives behind `blobStore` and `probe`.
 */
export function createApp(deps: AppDeps) {
  const app = new OpenAPIHono<AppEnv>({
    // Validation failures from any route become our 400 error body with the zod issues.
    defaultHook: (result) => {
      if (!result.success) throw validationFailed(result.error.issues);
    },
  });
  app.use('*', requestContext(deps.log));
  if (deps.metrics) app.use('*', metricsMiddleware(deps.metrics.registry, deps.metrics.token));
  if (deps.projectListCache) app.use('*', evictWritersPages(deps.projectListCache));
  app.use('*', securityHeaders({ publicUrl: deps.publicUrl, mediaOrigins: deps.mediaOrigins }));
  app.onError(createErrorHandler(deps.log));
  // Before any route: no handler or validator ever sees a body over its limit.
  app.use('*', bodyLimits({ jsonBytes: deps.jsonBodyLimitBytes }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from /api/v1/auth/login, /register or /refresh (15 minutes).',
  });

  app.route('/', healthRoutes(deps));
  app.route('/', authRoutes(deps));
  app.route('/', accountRoutes(deps));
  app.route('/', projectRoutes(deps));
  app.route('/', jobRoutes(deps));
  app.route('/', variantRenderRoutes(deps));
  app.route('/', budgetRoutes(deps));
  app.route('/', campaignMoneyRoutes(deps));
  if (deps.serveStatic) {
    app.route(
      '/',
      adminQueueRoutes({
        ...deps,
        serveStatic: deps.serveStatic,
        secureCookies: deps.publicUrl.startsWith('https:'),
      }),
    );
  }
  app.route('/', memberRoutes(deps));
  app.route('/', realtimeTicketRoutes(deps));
  app.route('/', assetRoutes(deps));
  app.route('/', directUploadRoutes(deps));
  app.route('/', assetDownloadRoutes(deps));
  app.route('/', uploadRoutes(deps));
  app.route('/', docsRoutes(deps.swaggerFiles));
  if (deps.probeServiceToken)
    app.route(
      '/',
      probeServiceRoutes({ blobStore: deps.blobStore, probe: deps.probe, token: deps.probeServiceToken }),
    );
  app.route('/', versionRoutes(deps));
  app.route('/', scriptImportRoutes(deps));
  app.route('/', modelRoutes(deps));
  app.route('/', commentRoutes(deps));
  app.route('/', approvalRoutes(deps));
  app.route('/', notificationRoutes(deps));
  app.route('/', reviewExportRoutes(deps));
  app.route('/', deliverableRoutes(deps));
  app.route('/', renderDeliverableRoutes(deps));
  app.route('/', lessonRoutes(deps));
  app.route('/', lectureRoutes(deps));
  app.route('/', consentRoutes(deps));
  app.route('/', lessonShareRoutes(deps));
  app.route('/', lessonEmbedRoutes(deps));
  app.route('/', clientRoutes(deps));
  app.route('/', campaignRoutes(deps));
  app.route('/', brandKitRoutes(deps));
  app.route('/', variantRoutes(deps));
  app.route('/', galleryRoutes(deps));
  app.route('/', briefRoutes(deps));

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Clapboard API',
      version: deps.version ?? '0.1.0',
      description: 'Self-hosted team video studio.',
    },
  });

  const web = deps.webDist
    ? webFilesInFolder(deps.webDist)
    : deps.webAssets
      ? webFilesFromBinding(deps.webAssets)
      : undefined;
  if (web)
    app.route(
      '/',
      serveWeb(web, {
        realtimeUrl: deps.realtimePublicUrl,
        directUploads: deps.blobStore.presignPut !== undefined,
      }),
    );
  app.notFound(() => {
    throw notFound('Route');
  });
  return app;
}

export type App = ReturnType<typeof createApp>;
