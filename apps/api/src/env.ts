import { jwtSecretSchema, parseEnv, portSchema, serviceEnvShape } from '@clapboard/server/config';
import { blobStoreEnvShape } from '@clapboard/server/storage';
import { z } from 'zod';
import type { AppDeps } from './app';
import { DEFAULT_LOGIN_RATE_LIMIT } from './auth/login-throttle';
import { DEFAULT_PASSWORD_RESET_TTL_SEC } from './auth/password-resets';
import {
  DEFAULT_BRIEF_DRAFT_RATE,
  DEFAULT_JOB_SUBMIT_RATE,
  DEFAULT_REGISTER_RATE_LIMIT,
} from './auth/rate-limit';
import { DEFAULT_RESUMABLE_LIMITS } from './uploads/resumable-limits';

const MiB = 1024 * 1024;
const megabytes = (fallback: number) =>
  z.coerce
    .number()
    .positive()
    .default(fallback)
    .transform((mb) => Math.floor(mb * MiB));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z
  .object({
    ...serviceEnvShape,
    JWT_SECRET: jwtSecretSchema,
    API_PORT: portSchema.default(8787),
    API_HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().default('./.data'),
    /** Public origin the browser uses, for cookies, CORS and signed URLs. */
    PUBLIC_URL: z.url().optional(),
    /** Folder of the built web app to serve at `/` (npm start sets it). */
    WEB_DIST: z.string().optional(),
    /**
     * Where browsers reach the realtime server (Yjs and Socket.IO), written into the served
     * index.html; unset: the page's host on port 8788. Behind an Ingress that routes /yjs and
     * /socket.io, the public origin itself.
     */
    REALTIME_PUBLIC_URL: z.url().optional(),
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    /** Behind a reverse proxy we run: take the client IP from the last X-Forwarded-For entry. */
    TRUST_PROXY: bool.default(false),
    /**
     * Queued jobs older than this (s) are checked again by the outbox dispatcher, which adds the
     * flows Redis lost (a crash between row and flow is handled within a second by the outbox).
     */
    JOB_RECONCILE_AFTER_SEC: z.coerce.number().int().min(1).max(86_400).default(30),
    /** How often (s) each API instance sweeps for such jobs. */
    JOB_RECONCILE_EVERY_SEC: z.coerce.number().int().min(1).max(86_400).default(60),
    /**
     * MiB of project-list pages each API instance keeps, dropped on Postgres notifications
     * (needs a session connection for LISTEN: set 0 behind a transaction pooler). 0 turns it off.
     */
    PROJECT_LIST_CACHE_MB: z.coerce.number().min(0).max(1024).default(8),
    /** Sign-in attempts per minute per client address, over all accounts. */
    LOGIN_RATE_PER_IP: z.coerce.number().int().min(1).default(DEFAULT_LOGIN_RATE_LIMIT.perIp),
    /** Wrong passwords from one address for one account before that pair backs off (2 s, doubling). */
    LOGIN_FAILURES_BEFORE_BACKOFF: z.coerce
      .number()
      .int()
      .min(1)
      .default(DEFAULT_LOGIN_RATE_LIMIT.perIpAccount),
    /** Wrong passwords for one account in 15 minutes, over all addresses, before addresses it never signed in from are refused. */
    LOGIN_ACCOUNT_FAILURE_CEILING: z.coerce
      .number()
      .int()
      .min(1)
      .default(DEFAULT_LOGIN_RATE_LIMIT.accountCeiling),
    /** Registrations (and reset requests) per hour per client address, and per email. */
    REGISTER_RATE_PER_IP: z.coerce.number().int().min(1).default(DEFAULT_REGISTER_RATE_LIMIT.perIp),
    REGISTER_RATE_PER_EMAIL: z.coerce.number().int().min(1).default(DEFAULT_REGISTER_RATE_LIMIT.perEmail),
    /** Jobs one member may start (submits and retries) per minute, over all projects; 0 turns it off. */
    JOB_SUBMIT_RATE_PER_MEMBER: z.coerce
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(DEFAULT_JOB_SUBMIT_RATE.perMember),
    /** Storyboard drafts from briefs one member may ask for per hour (template or LLM); 0 turns it off. */
    BRIEF_DRAFT_RATE_PER_MEMBER: z.coerce
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(DEFAULT_BRIEF_DRAFT_RATE.perMember),
    /** SMTP server for reset links and account notices (smtp:// or smtps://); unset: admins issue reset links. */
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    /** Sender of that mail. */
    SMTP_FROM: z.string().min(3).max(200).default('Clapboard <no-reply@localhost>'),
    /** Lifetime of a password reset link, in minutes. */
    PASSWORD_RESET_TTL_MIN: z.coerce
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(DEFAULT_PASSWORD_RESET_TTL_SEC / 60),
    /**
     * Set on a Node API: serves the media probe at /internal/media-probe to holders of this token (the
     * edge API's uploads). Set on the edge API with MEDIA_PROBE_URL: where it has uploads probed.
     */
    MEDIA_PROBE_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Edge API only: origin of the Node API whose probe service reads uploaded files. */
    MEDIA_PROBE_URL: z.url().optional(),
    /** Per-kind upload limits in MiB, and the largest image in pixels. */
    UPLOAD_MAX_IMAGE_MB: megabytes(50),
    UPLOAD_MAX_VIDEO_MB: megabytes(2048),
    UPLOAD_MAX_AUDIO_MB: megabytes(500),
    UPLOAD_MAX_DOCUMENT_MB: megabytes(100),
    /** Largest resumable (tus) upload in MiB: video may use all of it (a long lecture), other kinds keep theirs. */
    RESUMABLE_UPLOAD_MAX_MB: megabytes(DEFAULT_RESUMABLE_LIMITS.maxBytes / MiB),
    /** Unfinished resumable uploads one user may have at once. */
    RESUMABLE_UPLOADS_PER_USER: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(DEFAULT_RESUMABLE_LIMITS.maxOpenPerUser),
    /** A resumable upload untouched this long (s) expires; its bytes are swept. */
    RESUMABLE_UPLOAD_EXPIRY_SEC: z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(DEFAULT_RESUMABLE_LIMITS.expirySec),
    /** How often (s) each API instance sweeps expired uploads. */
    UPLOAD_SWEEP_EVERY_SEC: z.coerce.number().int().min(1).max(86_400).default(300),
    UPLOAD_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(40_000_000),
    /** Lifetime of signed asset download URLs (seconds). */
    ASSET_URL_TTL_SEC: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(3600),
    FFPROBE_PATH: z.string().default('ffprobe'),
    FFMPEG_PATH: z.string().default('ffmpeg'),
    ...blobStoreEnvShape,
  })
  .refine((e) => !e.S3_ACCESS_KEY_ID === !e.S3_SECRET_ACCESS_KEY, {
    path: ['S3_SECRET_ACCESS_KEY'],
    message: 'must be set together with S3_ACCESS_KEY_ID (or leave both unset to use the AWS default chain)',
  });

export type ApiEnv = z.infer<typeof schema>;

/** Reads and validates the API's environment once; throws a one-line StartupError when it is wrong. */
export function loadEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv(schema as unknown as z.ZodObject, source) as ApiEnv;
}

/**
 * The limits and lifetimes the environment sets, as the app takes them: one mapping for both
 * entries (main.ts on Node, edge/worker.ts on workerd).
 */
export function limitsFromEnv(env: ApiEnv) {
  return {
    uploadLimits: {
      maxBytes: {
        image: env.UPLOAD_MAX_IMAGE_MB,
        video: env.UPLOAD_MAX_VIDEO_MB,
        audio: env.UPLOAD_MAX_AUDIO_MB,
        document: env.UPLOAD_MAX_DOCUMENT_MB,
      },
      maxImagePixels: env.UPLOAD_MAX_IMAGE_PIXELS,
    },
    resumableLimits: {
      maxBytes: env.RESUMABLE_UPLOAD_MAX_MB,
      maxOpenPerUser: env.RESUMABLE_UPLOADS_PER_USER,
      expirySec: env.RESUMABLE_UPLOAD_EXPIRY_SEC,
    },
    loginRateLimit: {
      perIp: env.LOGIN_RATE_PER_IP,
      perIpAccount: env.LOGIN_FAILURES_BEFORE_BACKOFF,
      accountCeiling: env.LOGIN_ACCOUNT_FAILURE_CEILING,
    },
    registerRateLimit: { perIp: env.REGISTER_RATE_PER_IP, perEmail: env.REGISTER_RATE_PER_EMAIL },
    jobSubmitRate: { perMember: env.JOB_SUBMIT_RATE_PER_MEMBER },
    briefDraftRate: { perMember: env.BRIEF_DRAFT_RATE_PER_MEMBER },
    passwordResetTtlSec: env.PASSWORD_RESET_TTL_MIN * 60,
    assetUrlTtlSec: env.ASSET_URL_TTL_SEC,
  } satisfies Partial<AppDeps>;
}
