import type { Sql } from '@clapboard/server/db';
import { type LessonPlayerFile, lessonPlayerFile, renderLessonPage } from '@clapboard/server/lesson-player';
import { findLessonRender, type LessonRender, LessonRenderError } from '@clapboard/server/lessons';
import type { Redis } from '@clapboard/server/redis';
import type { BlobStore } from '@clapboard/server/storage';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { streamBlob } from '../assets/stream-blob';
import { clientIp, type PeerAddress } from '../auth/client-ip';
import { type LimitStore, limitStoreOf } from '../auth/limit-store';
import { hitRateLimit } from '../auth/rate-limit';
import { gone, notFound, rateLimited } from '../errors/http-error';
import { EMBED_PAGE_HEADERS, embedProblemPage } from '../lessons/embed-page';
import { SHARE_TOKEN_PATTERN, shareTokenHash } from '../lessons/share-token';
import { createRouter } from './create-router';
import { errorsFor } from './error-responses';

/** Requests per IP per window on the public share routes (a page load is ~10 with the video's ranges). */
export interface EmbedRateLimit {
  perIp: number;
  windowSec: number;
}
export const DEFAULT_EMBED_RATE_LIMIT: EmbedRateLimit = { perIp: 600, windowSec: 60 };

export interface LessonEmbedRouteDeps {
  /** Where the per-address limit counts (default Redis). */
  limitStore?: LimitStore;
  sql: Sql;
  redis: Redis;
  blobStore: BlobStore;
  redisPrefix?: string;
  peerAddress?: PeerAddress;
  trustProxy?: boolean;
  embedRateLimit?: Partial<EmbedRateLimit>;
}

/** Why a share link does not play, with the status and the sentence a person reads. */
class ShareUnavailable extends Error {
  constructor(
    readonly status: 404 | 410,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

const tokenParams = z.object({ token: z.string().max(100) });
const errors = errorsFor(404, 410, 416, 429);

const route = (path: string, summary: string, type: string) =>
  createRoute({
    method: 'get',
    path: `/embed/{token}${path}`,
    tags: ['embed'],
    summary,
    description:
      'Public (no sign-in): the share token in the path is the authorization. Expired or revoked links answer 410; a deleted lesson, a gone render or an unknown token 404. Rate limited per IP.',
    request: { params: tokenParams },
    responses: {
      200: { description: 'OK', content: { [type]: { schema: z.string() } } },
      ...(path === '/video' ? { 206: { description: 'A byte range of the video' } } : {}),
      ...errors,
    },
  });

const pageRoute = route(
  '',
  'The player page of a shared lesson (video, captions, chapters), framable',
  'text/html',
);
const videoRoute = route('/video', 'The shared lesson video (MP4; HTTP Range supported)', 'video/mp4');
const captionsRoute = route('/captions.vtt', 'The shared lesson captions (WebVTT)', 'text/vtt');
const posterRoute = route('/poster', 'The shared lesson poster image', 'image/jpeg');
const scriptRoute = route('/player.js', 'The player script of the share page', 'text/javascript');
const styleRoute = route('/player.css', 'The player stylesheet of the share page', 'text/css');

/**
 * Share links, served without sign-in: `/embed/{token}` (the player page, strict CSP, no referrer,
 * framable) and its video (ranges), captions, poster and player files. Every request checks the
 * share again: unknown token, expired, revoked, a deleted lesson or project, a render or file that
 * is gone — each stops the link at once.
 */
export function lessonEmbedRoutes(deps: LessonEmbedRouteDeps) {
  const { sql } = deps;
  const limits = { ...DEFAULT_EMBED_RATE_LIMIT, ...deps.embedRateLimit };
  const prefix = deps.redisPrefix ?? 'clapboard';
  const limitStore = limitStoreOf(deps);
  const router = createRouter();

  async function resolve(c: Context<AppEnv>, token: string): Promise<LessonRender> {
    const ip = clientIp(c, deps.peerAddress, deps.trustProxy ?? false);
    const verdict = await hitRateLimit(
      limitStore,
      `${prefix}:rl:embed:ip:${ip}`,
      limits.perIp,
      limits.windowSec,
    );
    if (!verdict.allowed) throw rateLimited(verdict.retryAfterSec, 'Too many requests for shared lessons.');
    const missing = new ShareUnavailable(
      404,
      'This link does not work',
      'There is no shared lesson at this address. Check that the link was copied whole.',
    );
    if (!SHARE_TOKEN_PATTERN.test(token)) throw missing;
    const hash = Buffer.from(await shareTokenHash(token));
    const [share] = await sql<
      { project_id: string; lesson_id: string; job_id: string; revoked: boolean; expired: boolean }[]
    >`
      select s.project_id, s.lesson_id, s.job_id, s.revoked_at is not null as revoked, s.expires_at <= now() as expired
      from lesson_shares s join projects p on p.id = s.project_id and p.deleted_at is null
      where s.token_sha256 = ${hash}`;
    if (!share) throw missing;
    if (share.revoked)
      throw new ShareUnavailable(
        410,
        'This link was turned off',
        'The person who shared this lesson revoked the link.',
      );
    if (share.expired)
      throw new ShareUnavailable(
        410,
        'This link has expired',
        'Shared lessons play only until the date set when sharing.',
      );
    try {
      return await findLessonRender(sql, {
        projectId: share.project_id,
        jobId: share.job_id,
        lessonId: share.lesson_id,
      });
    } catch (err) {
      if (err instanceof LessonRenderError)
        throw new ShareUnavailable(
          404,
          'This lesson is no longer available',
          'The lesson or its video was removed.',
        );
      throw err;
    }
  }

  /** Subresources answer with the API's JSON error body; the page with a page a person reads. */
  async function resolveOrJson(c: Context<AppEnv>, token: string) {
    try {
      return await resolve(c, token);
    } catch (err) {
      if (err instanceof ShareUnavailable)
        throw err.status === 410 ? gone(err.message) : notFound('Shared lesson');
      throw err;
    }
  }

  router.openapi(pageRoute, async (c) => {
    const { token } = c.req.valid('param');
    let render: LessonRender;
    try {
      render = await resolve(c, token);
    } catch (err) {
      if (err instanceof ShareUnavailable)
        return c.body(embedProblemPage(err.title, err.message), err.status, EMBED_PAGE_HEADERS);
      throw err;
    }
    const base = `/embed/${token}`;
    const html = renderLessonPage({
      title: render.lessonTitle,
      runtime: 'none',
      urls: {
        video: `${base}/video`,
        captions: render.captions ? `${base}/captions.vtt` : null,
        poster: render.poster ? `${base}/poster` : null,
        playerFile: (name) => `${base}/${name}`,
      },
      durationSec: render.video.durationSec ?? 0,
      completionPercent: 100,
      chapters: render.chapters,
      quiz: null,
    });
    return c.body(html, 200, EMBED_PAGE_HEADERS);
  });

  const mediaHeaders = (type: string) => ({
    'content-type': type,
    'cache-control': 'private, no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  });

  router.openapi(videoRoute, async (c) => {
    const render = await resolveOrJson(c, c.req.valid('param').token);
    return streamBlob(c, deps.blobStore, render.video.storageKey, mediaHeaders(render.video.mime));
  });
  router.openapi(captionsRoute, async (c) => {
    const render = await resolveOrJson(c, c.req.valid('param').token);
    if (!render.captions) throw notFound('Captions');
    return streamBlob(c, deps.blobStore, render.captions.storageKey, mediaHeaders('text/vtt; charset=utf-8'));
  });
  router.openapi(posterRoute, async (c) => {
    const render = await resolveOrJson(c, c.req.valid('param').token);
    if (!render.poster) throw notFound('Poster');
    return streamBlob(c, deps.blobStore, render.poster.storageKey, mediaHeaders(render.poster.mime));
  });

  const playerFile = (c: Context<AppEnv>, name: LessonPlayerFile, type: string) =>
    c.body(lessonPlayerFile(name), 200, { ...mediaHeaders(type), 'cache-control': 'private, max-age=300' });
  router.openapi(scriptRoute, async (c) => {
    await resolveOrJson(c, c.req.valid('param').token);
    return playerFile(c, 'player.js', 'text/javascript; charset=utf-8');
  });
  router.openapi(styleRoute, async (c) => {
    await resolveOrJson(c, c.req.valid('param').token);
    return playerFile(c, 'player.css', 'text/css; charset=utf-8');
  });
  return router;
}
