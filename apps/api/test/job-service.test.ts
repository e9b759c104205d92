import { jobStore } from '@clapboard/server/jobs';
import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import type { Job, JobTypeInfo } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceWorker, createHarness, type Harness } from './harness';
import { type Actor, type Cast, createCast } from './support-members';

const assetId = '00000000-0000-4000-8000-0000000000bb';
const derive = { type: 'assets.derive', params: { assetId } };

/** What a project has spent and reserved, and how many jobs, versions and audit rows it holds. */
async function ledgerState(h: Harness, projectId: string) {
  const [row] = await h.db.sql<{ jobs: number; versions: number; ledger: number; reserved: number }[]>`
    select
      (select count(*)::int from jobs where project_id = ${projectId}) as jobs,
      (select count(*)::int from doc_versions where project_id = ${projectId}) as versions,
      (select count(*)::int from cost_ledger where project_id = ${projectId}) as ledger,
      (select coalesce(sum(cost_estimate_usd), 0)::float from jobs where project_id = ${projectId} and status in ('queued', 'running')) as reserved`;
  return row!;
}

describe('job service: capabilities, catalog, retry under the budget lock, exact pagination', () => {
  let h: Harness;
  let cast: Cast;
  const post = (path: string, actor: Actor, body?: unknown) =>
    h.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers(actor) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const get = (path: string, actor: Actor) => h.app.request(path, { headers: cast.headers(actor) });

  beforeAll(async () => {
    // The deployment's only worker runs thumbnails, not renders or frames.
    h = await createHarness({}, ['assets.derive']);
    cast = await createCast(h.db.sql, h.deps.jwtSecret, 'jobsvc');
    await h.db
      .sql`insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key) values (${assetId}, ${cast.projectId}, 'image', 'image/png', 1, 'x', 'k/b')`;
  });
  afterAll(() => h.close());

  it('a type no live worker runs is refused with 503 naming it: no job, version, ledger or reserved budget', async () => {
    await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...cast.headers('owner') },
      body: JSON.stringify({ softLimitUsd: null, hardLimitUsd: 10 }),
    });
    const before = await ledgerState(h, cast.projectId);
    for (const body of [
      { type: 'render.video', params: {} },
      { type: 'scene.frame', params: { sceneId: 's1' } },
      { type: 'scene.variations', params: { sceneId: 's1', count: 2 } },
    ]) {
      const res = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', body);
      expect(res.status).toBe(503);
      const err = (await res.json()) as {
        error: { code: string; message: string; details: { type: string } };
      };
      expect(err.error.code).toBe('capability_missing');
      expect(err.error.details.type).toBe(body.type);
      expect(err.error.message).toContain(body.type);
    }
    expect(await ledgerState(h, cast.projectId)).toEqual(before);
    const budget = (await (await get(`/api/v1/projects/${cast.projectId}/budget`, 'owner')).json()) as {
      reservedUsd: number;
    };
    expect(budget.reservedUsd).toBe(before.reserved);
    // The type the worker runs is accepted.
    expect((await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive)).status).toBe(202);
  });

  it('types the catalog no longer offers are a validation error, not a queued job', async () => {
    for (const type of ['highlights.extract', 'portrait.lesson', 'export.lms']) {
      const res = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', { type, params: {} });
      expect(res.status).toBe(400);
    }
  });

  it('GET /job-types says what can run now and why not; a worker that starts is seen at once', async () => {
    const read = async () =>
      ((await (await get('/api/v1/job-types', 'viewer')).json()) as { items: JobTypeInfo[] }).items;
    const items = await read();
    expect(items.map((i) => [i.type, i.available])).toEqual([
      ['assets.derive', true],
      ['render.video', false],
      ['render.variants', false],
      ['scene.frame', false],
      ['scene.variations', false],
      ['lesson.draft', false],
      ['export.lms', false],
      ['portrait.lesson', false],
      ['highlights.extract', false],
      ['highlights.clips', false],
      ['brief.draft', false],
    ]);
    const render = items.find((i) => i.type === 'render.video')!;
    expect(render.reason).toMatch(/gpu/);
    expect(render.work.shot).toMatchObject({ unit: 'scene-sec', samples: 0 });
    expect((await h.app.request('/api/v1/job-types')).status).toBe(401);

    const extra = await announceWorker(h.redis, h.redisPrefix, ['scene.frame'], 'gpu-worker-2');
    try {
      // The cached "no" is read again before refusing, so the new worker's type is accepted.
      const res = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', {
        type: 'scene.frame',
        params: { sceneId: 's1' },
      });
      expect(res.status).toBe(202);
    } finally {
      await h.redis.del(`${h.redisPrefix}:models:${extra}`);
    }
  });

  it('every job carries its estimate in seconds and dollars from the shared plan, and the actual', async () => {
    const res = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive);
    // Where the submit spent its time, for the caller: this project has a budget limit, so the
    // batch path only found that out and the serialised path did the work.
    expect(res.headers.get('server-timing')).toMatch(
      /^batch;dur=[\d.]+, authorize;dur=[\d.]+, assets;dur=[\d.]+, capability;dur=[\d.]+, plan;dur=[\d.]+, record;dur=[\d.]+, enqueue;dur=[\d.]+$/,
    );
    const { job } = (await res.json()) as { job: Job };
    const expected = estimatePlan('assets.derive', planJob('assets.derive', {}));
    expect(job.costEstimateUsd).toBe(expected.usd);
    expect(job.estimatedSec).toBe(expected.seconds);
    expect(job.actualSec).toBe(0);
    const detail = (await (await get(`/api/v1/jobs/${job.id}`, 'viewer')).json()) as Job;
    expect([detail.estimatedSec, detail.costActualUsd]).toEqual([expected.seconds, 0]);
  });

  it('two concurrent retries cannot both pass a hard budget', async () => {
    await h.db
      .sql`update jobs set status = 'cancelled', finished_at = now() where project_id = ${cast.projectId} and status in ('queued', 'running')`;
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const { job } = (await (
        await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive)
      ).json()) as {
        job: Job;
      };
      await jobStore.endJob(h.db.sql, job.id, { status: 'failed', error: 'disk full', outputs: [] });
      ids.push(job.id);
    }
    const one = estimatePlan('assets.derive', planJob('assets.derive', {})).usd;
    await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...cast.headers('owner') },
      body: JSON.stringify({ softLimitUsd: null, hardLimitUsd: one * 1.5 }),
    });
    const statuses = await Promise.all(
      ids.map(async (id) => (await post(`/api/v1/jobs/${id}/retry`, 'editor')).status),
    );
    expect(statuses.sort()).toEqual([202, 402]);
    const runs = await h.db.sql<{ run: number; status: string }[]>`
      select run, status from jobs where id in ${h.db.sql(ids)} order by run`;
    expect(runs).toEqual([
      { run: 1, status: 'failed' },
      { run: 2, status: 'queued' },
    ]);
    await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...cast.headers('owner') },
      body: JSON.stringify({ hardLimitUsd: null }),
    });
  });

  it('a retry of a type no live worker runs is refused with 503 like a submit: the job is left as it was', async () => {
    // A frame job that failed while a GPU worker was around; none is now.
    const row = await jobStore.insertJob(h.db.sql, {
      projectId: cast.projectId,
      userId: cast.userIds.editor,
      type: 'scene.frame',
      params: { sceneId: 's1' },
      priority: 3,
      estimate: estimatePlan('scene.frame', planJob('scene.frame', { sceneId: 's1' })),
    });
    await jobStore.endJob(h.db.sql, row.id, { status: 'failed', error: 'worker lost', outputs: [] });
    // The GPU worker an earlier test announced has gone; wait until the API's cached reports say so.
    const frameAvailable = async () =>
      ((await (await get('/api/v1/job-types', 'viewer')).json()) as { items: JobTypeInfo[] }).items.find(
        (i) => i.type === 'scene.frame',
      )!.available;
    const deadline = Date.now() + 10_000;
    while ((await frameAvailable()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await frameAvailable()).toBe(false);
    const before = await ledgerState(h, cast.projectId);
    const res = await post(`/api/v1/jobs/${row.id}/retry`, 'editor');
    expect(res.status).toBe(503);
    const err = (await res.json()) as { error: { code: string; details: { type: string } } };
    expect(err.error).toMatchObject({ code: 'capability_missing', details: { type: 'scene.frame' } });
    const [after] = await h.db.sql<
      { run: number; status: string }[]
    >`select run, status from jobs where id = ${row.id}`;
    expect(after).toEqual({ run: 1, status: 'failed' });
    expect(await ledgerState(h, cast.projectId)).toEqual(before);
  });

  it('pages over 1,050 jobs created in the same instant return every job exactly once', async () => {
    const [project] = await h.db.sql<
      { id: string }[]
    >`insert into projects (name) values ('Many') returning id`;
    const [owner] = await h.db.sql<{ user_id: string }[]>`
      select user_id from project_members where project_id = ${cast.projectId} and role = 'owner'`;
    await h.db
      .sql`insert into project_members (project_id, user_id, role) values (${project!.id}, ${owner!.user_id}, 'viewer')`;
    const estimate = estimatePlan('assets.derive', planJob('assets.derive', {}));
    // One transaction: now() is the same instant for every row, so only the id tells them apart.
    const created = await h.db.sql.begin(async (tx) => {
      const out: string[] = [];
      for (let i = 0; i < 1050; i++) {
        const row = await jobStore.insertJob(tx as never, {
          projectId: project!.id,
          userId: null,
          type: 'assets.derive',
          params: { assetId },
          priority: 5,
          estimate,
        });
        out.push(row.id);
      }
      return out;
    });
    const stamps = await h.db.sql<{ n: number }[]>`
      select count(distinct created_at)::int as n from jobs where project_id = ${project!.id}`;
    expect(stamps[0]!.n).toBe(1);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/projects/${project!.id}/jobs?limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await get(q, 'owner');
      const page = (await res.json()) as { items: Job[]; nextCursor: string | null };
      expect(res.status, JSON.stringify(page).slice(0, 300)).toBe(200);
      seen.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(1050);
    expect(new Set(seen).size).toBe(1050);
    expect(new Set(seen)).toEqual(new Set(created));
    // Newest first: with equal times, by id descending.
    expect(seen).toEqual([...seen].sort().reverse());
  }, 60_000);
});
