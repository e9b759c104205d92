import {
  type ChannelListener,
  listenChannels,
  memberChangedSchema,
  PROJECT_CHANNELS,
  parseNotification,
  projectNotificationSchema,
} from '@clapboard/server/db';
import type { Logger } from '@clapboard/server/logger';

/**
 * Finished project-list pages (the response body), per user and query, kept in this process and
 * dropped the moment Postgres announces a change that could alter them:
 *
 * - any change to a project row (`clapboard_project_changed`) drops every page that shows it;
 * - a membership added, changed or removed (`clapboard_member_changed`) drops that user's pages;
 * - while the listening connection is down nothing is served or kept, and everything is dropped
 *   when it goes down, because notifications sent meanwhile are lost.
 *
 * A page read from Postgres is kept only if no drop happened while it was being read (a generation
 * counter taken before the query and compared after): a read racing a write never stores the old
 * page after the write's notification has been handled. A write made through this instance also
 * drops its author's pages before the response leaves ({@link ProjectListCache.evictUser}), so a
 * client reads its own writes; through another instance, other readers see a change once its
 * NOTIFY arrives (the commit's delivery to the listening connection, well under a millisecond on
 * one host). Pages also expire after `ttlMs`, and the total kept is bounded by `maxBytes`
 * (oldest dropped first).
 *
 * Why: the project list is the API's hottest authenticated read, and bench:api's profile put 42 %
 * of its server time in the Postgres round trip (a socket write per query alone 22 %), besides
 * Postgres's own CPU on the same machine.
 */
export interface ProjectListCache {
  /** The page kept for this user and query, if any (and only while the listener is live). */
  get(userId: string, query: string): string | undefined;
  /** Take before reading a page from Postgres; hand back to {@link set}. */
  generation(): number;
  /** Keep a page read from Postgres, unless anything was dropped since `generation`. */
  set(userId: string, query: string, body: string, projectIds: readonly string[], generation: number): void;
  /** Drop one user's pages (their membership changed, or they just wrote something). */
  evictUser(userId: string): void;
  /** Drop every page that shows this project. */
  evictProject(projectId: string): void;
  /** Pages kept and their bytes (for tests and /metrics). */
  stats(): { pages: number; bytes: number; live: boolean };
  close(): Promise<void>;
}

export interface ProjectListCacheOptions {
  /** Postgres URL for the dedicated LISTEN connection (a session connection, not a pooler). */
  databaseUrl: string;
  log?: Logger;
  /** Upper bound on the bytes of pages kept; default 8 MiB. */
  maxBytes?: number;
  /** Longest a page is kept (ms); default 60 s. */
  ttlMs?: number;
  /** Clock, for tests of expiry; default `Date.now`. */
  now?: () => number;
}

interface Page {
  userId: string;
  body: string;
  projectIds: readonly string[];
  expiresAt: number;
}

/** Starts listening and returns the cache; it serves nothing until the first LISTEN succeeded. */
export function createProjectListCache(options: ProjectListCacheOptions): ProjectListCache {
  const maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  // Insertion order is age order: the first entries are the oldest, dropped first when full.
  const pages = new Map<string, Page>();
  const byUser = new Map<string, Set<string>>();
  const byProject = new Map<string, Set<string>>();
  let bytes = 0;
  let gen = 0;
  let live = false;

  const keyOf = (userId: string, query: string) => `${userId}\n${query}`;
  const index = (map: Map<string, Set<string>>, id: string, key: string) => {
    const set = map.get(id);
    if (set) set.add(key);
    else map.set(id, new Set([key]));
  };
  const unindex = (map: Map<string, Set<string>>, id: string, key: string) => {
    const set = map.get(id);
    if (set?.delete(key) && set.size === 0) map.delete(id);
  };
  function drop(key: string) {
    const page = pages.get(key);
    if (!page) return;
    pages.delete(key);
    bytes -= page.body.length;
    unindex(byUser, page.userId, key);
    for (const id of page.projectIds) unindex(byProject, id, key);
  }
  function dropAll(keys: Set<string> | undefined) {
    gen++;
    if (keys) for (const key of [...keys]) drop(key);
  }
  function clear() {
    gen++;
    pages.clear();
    byUser.clear();
    byProject.clear();
    bytes = 0;
  }

  const cache: ProjectListCache = {
    get(userId, query) {
      if (!live) return undefined;
      const key = keyOf(userId, query);
      const page = pages.get(key);
      if (!page) return undefined;
      if (page.expiresAt <= now()) {
        drop(key);
        return undefined;
      }
      return page.body;
    },
    generation: () => gen,
    set(userId, query, body, projectIds, generation) {
      if (!live || generation !== gen || body.length > maxBytes) return;
      const key = keyOf(userId, query);
      drop(key);
      pages.set(key, { userId, body, projectIds, expiresAt: now() + ttlMs });
      bytes += body.length;
      index(byUser, userId, key);
      for (const id of projectIds) index(byProject, id, key);
      for (const oldest of pages.keys()) {
        if (bytes <= maxBytes) break;
        drop(oldest);
      }
    },
    evictUser: (userId) => dropAll(byUser.get(userId)),
    evictProject: (projectId) => dropAll(byProject.get(projectId)),
    stats: () => ({ pages: pages.size, bytes, live }),
    close: () => listener.close(),
  };

  const listener: ChannelListener = listenChannels(
    options.databaseUrl,
    [PROJECT_CHANNELS.projectChanged, PROJECT_CHANNELS.memberChanged],
    {
      onNotify(channel, payload) {
        if (channel === PROJECT_CHANNELS.memberChanged) {
          const event = parseNotification(memberChangedSchema, payload);
          // Unreadable: we cannot tell whose pages it touches, so drop them all.
          return event ? cache.evictUser(event.userId) : clear();
        }
        const event = parseNotification(projectNotificationSchema, payload);
        return event ? cache.evictProject(event.projectId) : clear();
      },
      onLive(next) {
        live = next;
        clear();
        if (!next) options.log?.warn('project-list cache off: the Postgres LISTEN connection is down');
        else options.log?.debug('project-list cache on');
      },
      onError: (err) => options.log?.warn({ err }, 'project-list cache: LISTEN connection failed'),
    },
  );
  return cache;
}
