import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env';
import type { ProjectListCache } from '../projects/project-list-cache';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * After any authenticated write through this instance, drops its author's kept project-list pages
 * before the response leaves, so a client always reads its own writes here, whatever the route
 * (a new route needs no cache code of its own). Other users' pages follow the Postgres
 * notification the write raised (see {@link ProjectListCache}).
 */
export function evictWritersPages(cache: ProjectListCache): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (READS.has(c.req.method)) return next();
    try {
      await next();
    } finally {
      const userId = c.var.userId;
      if (userId) cache.evictUser(userId);
    }
  };
}
