import { waitFor } from '@clapboard/server/testing';
import type { Project } from '@clapboard/shared/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectListCache, type ProjectListCache } from '../src/projects/project-list-cache';
import { addMember, auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

describe('project list page cache (as main.ts runs it)', () => {
  let h: Harness;
  let cache: ProjectListCache;
  let alice: TestUser;
  let bob: TestUser;
  // Statements postgres.js sent: a page served from the cache sends none.
  let statements = 0;
  beforeAll(async () => {
    h = await createHarness();
    cache = h.deps.projectListCache!;
    [alice, bob] = await Promise.all([registerUser(h, 'alice'), registerUser(h, 'bob')]);
    await waitFor(() => cache.stats().live, 5_000, 'the LISTEN connection');
    h.db.sql.options.debug = () => {
      statements++;
    };
  });
  afterAll(async () => {
    h.db.sql.options.debug = false;
    await h.close();
  });

  const list = async (user: TestUser, query = '') => {
    const res = await h.app.request(`/api/v1/projects${query}`, { headers: auth(user.token) });
    expect(res.status).toBe(200);
    return (await res.json()) as { items: Project[]; nextCursor: string | null };
  };
  const names = async (user: TestUser) => (await list(user)).items.map((p) => p.name);
  /** Statements sent while `fn` ran. */
  const counted = async <T>(fn: () => Promise<T>) => {
    const before = statements;
    const result = await fn();
    return { result, statements: statements - before };
  };

  /**
   * Lists until a read is served from the cache: right after a write, the write's own
   * notification may still be on its way and drop the page once more when it lands.
   */
  const settle = (user: TestUser) =>
    waitFor(async () => (await counted(() => list(user))).statements === 0, 5_000, 'a cached page');

  it('serves a repeated page without asking Postgres, and the same bytes', async () => {
    await createProject(h, alice, 'First');
    await createProject(h, alice, 'Second');
    const first = await counted(() => list(alice));
    expect(first.statements).toBeGreaterThan(0);
    expect(first.result.items.map((p) => p.name)).toEqual(['Second', 'First']);
    await settle(alice);
    const again = await counted(() => list(alice));
    expect(again.statements).toBe(0);
    expect(again.result).toEqual(first.result);
  });

  it('keeps pages per user and per query (limit, cursor)', async () => {
    const page1 = await list(alice, '?limit=1');
    expect(page1.items.map((p) => p.name)).toEqual(['Second']);
    const page2 = await list(alice, `?limit=1&cursor=${encodeURIComponent(page1.nextCursor!)}`);
    expect(page2.items.map((p) => p.name)).toEqual(['First']);
    expect((await list(bob)).items).toEqual([]);
  });

  it('shows the author their own write at once (no wait for the notification)', async () => {
    const [p] = (await list(alice)).items;
    const res = await h.app.request(`/api/v1/projects/${p!.id}`, {
      method: 'PATCH',
      headers: auth(alice.token),
      body: JSON.stringify({ name: 'Renamed by Alice' }),
    });
    expect(res.status).toBe(200);
    expect((await list(alice)).items[0]!.name).toBe('Renamed by Alice');
  });

  it('drops a page when any writer changes one of its projects (here: SQL from outside the API)', async () => {
    const before = await names(alice);
    await settle(alice);
    const [row] = await h.db.sql<{ id: string }[]>`select id from projects where name = 'First'`;
    await h.db.sql`update projects set name = 'Renamed elsewhere' where id = ${row!.id}`;
    await waitFor(async () => (await names(alice)).includes('Renamed elsewhere'), 5_000, 'the rename');
    expect(await names(alice)).toEqual(before.map((n) => (n === 'First' ? 'Renamed elsewhere' : n)));
  });

  it('drops a user’s pages when their membership changes, and other users’ pages survive', async () => {
    const bobs = await createProject(h, bob, "Bob's film");
    expect(await names(alice)).not.toContain("Bob's film");
    await settle(bob);
    await addMember(h, bobs.id, bob, alice, 'viewer');
    await waitFor(async () => (await names(alice)).includes("Bob's film"), 5_000, 'the new membership');
    expect((await list(alice)).items.find((p) => p.id === bobs.id)?.role).toBe('viewer');
    // Removed from outside the API: Alice's page loses it once the notification lands.
    await h.db.sql`delete from project_members where project_id = ${bobs.id} and user_id = ${alice.id}`;
    await waitFor(async () => !(await names(alice)).includes("Bob's film"), 5_000, 'the removal');
  });

  it('a soft-deleted project leaves every member’s page', async () => {
    const shared = await createProject(h, bob, 'Shared then deleted');
    await addMember(h, shared.id, bob, alice, 'editor');
    await waitFor(async () => (await names(alice)).includes('Shared then deleted'), 5_000, 'the share');
    const res = await h.app.request(`/api/v1/projects/${shared.id}`, {
      method: 'DELETE',
      headers: auth(bob.token),
    });
    expect(res.status).toBe(204);
    await waitFor(async () => !(await names(alice)).includes('Shared then deleted'), 5_000, 'the deletion');
  });

  it('serves and keeps nothing while its LISTEN connection is down, and recovers by itself', async () => {
    await list(alice);
    expect(cache.stats().pages).toBeGreaterThan(0);
    await h.db.sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'clapboard-listen' and datname = current_database()`;
    await waitFor(() => !cache.stats().live, 5_000, 'the cache to notice the dropped connection');
    expect(cache.stats().pages).toBe(0);
    // While down every read goes to Postgres, so a change is seen at once.
    const [row] = await h.db.sql<{ id: string }[]>`select id from projects where name = 'Renamed by Alice'`;
    await h.db.sql`update projects set name = 'Changed while down' where id = ${row!.id}`;
    expect(await names(alice)).toContain('Changed while down');
    expect((await counted(() => list(alice))).statements).toBeGreaterThan(0);
    await waitFor(() => cache.stats().live, 10_000, 'the LISTEN connection to come back');
    await settle(alice);
  });
});

describe('project list page cache, its bookkeeping', () => {
  let h: Harness;
  const caches: ProjectListCache[] = [];
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await Promise.all(caches.map((c) => c.close()));
    await h.close();
  });
  const liveCache = async (options: { maxBytes?: number; ttlMs?: number; now?: () => number } = {}) => {
    const cache = createProjectListCache({ databaseUrl: h.db.url, ...options });
    caches.push(cache);
    await waitFor(() => cache.stats().live, 5_000, 'the LISTEN connection');
    return cache;
  };

  it('refuses a page read before a drop (a read racing a write never stores the old page)', async () => {
    const cache = await liveCache();
    const generation = cache.generation();
    cache.evictProject('p-1');
    cache.set('u-1', 'q', '{"items":[]}', ['p-1'], generation);
    expect(cache.get('u-1', 'q')).toBeUndefined();
    cache.set('u-1', 'q', '{"items":[]}', ['p-1'], cache.generation());
    expect(cache.get('u-1', 'q')).toBe('{"items":[]}');
  });

  it('drops exactly the pages that show a project, or belong to a user', async () => {
    const cache = await liveCache();
    const g = () => cache.generation();
    cache.set('u-1', 'q', 'a', ['p-1', 'p-2'], g());
    cache.set('u-2', 'q', 'b', ['p-2'], g());
    cache.set('u-3', 'q', 'c', ['p-3'], g());
    cache.evictProject('p-2');
    expect([cache.get('u-1', 'q'), cache.get('u-2', 'q'), cache.get('u-3', 'q')]).toEqual([
      undefined,
      undefined,
      'c',
    ]);
    cache.set('u-1', 'q', 'a', [], g());
    cache.set('u-1', 'r', 'a2', [], g());
    cache.evictUser('u-1');
    expect([cache.get('u-1', 'q'), cache.get('u-1', 'r'), cache.get('u-3', 'q')]).toEqual([
      undefined,
      undefined,
      'c',
    ]);
  });

  it('stays within its byte bound (oldest first) and expires pages', async () => {
    let clock = 1_000;
    const cache = await liveCache({ maxBytes: 10, ttlMs: 100, now: () => clock });
    cache.set('u-1', 'q', '12345', [], cache.generation());
    cache.set('u-2', 'q', '12345', [], cache.generation());
    cache.set('u-3', 'q', '12345', [], cache.generation());
    expect(cache.stats()).toMatchObject({ pages: 2, bytes: 10 });
    expect(cache.get('u-1', 'q')).toBeUndefined();
    expect(cache.get('u-3', 'q')).toBe('12345');
    cache.set('u-4', 'q', 'x'.repeat(11), [], cache.generation());
    expect(cache.get('u-4', 'q')).toBeUndefined();
    clock += 100;
    expect(cache.get('u-3', 'q')).toBeUndefined();
  });
});
