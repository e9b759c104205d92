import { createJobQueues, createSubmitBatcher, rootJobId } from '@clapboard/server/jobs';
import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import type { BudgetFigures, Job } from '@clapboard/shared/jobs';
import { Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';
import { type Actor, type Cast, createCast } from './support-members';

const assetId = '00000000-0000-4000-8000-0000000000c1';
const deletedAssetId = '00000000-0000-4000-8000-0000000000c2';
const foreignAssetId = '00000000-0000-4000-8000-0000000000c3';
const derive = (id = assetId) => ({ type: 'assets.derive', params: { assetId: id } });
const one = estimatePlan('assets.derive', planJob('assets.derive', {})).usd;

type Submitted = { job: Job; budget: BudgetFigures; warnings: string[] };

describe('batched submit: concurrent submissions share one statement and one addBulk', () => {
  let h: Harness;
  let cast: Cast;
  const post = (actor: Actor, body: unknown, projectId = cast.projectId) =>
    h.app.request(`/api/v1/projects/${projectId}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers(actor) },
      body: JSON.stringify(body),
    });
  const count = async (sqlWhere: 'jobs' | 'audit') => {
    const [row] =
      sqlWhere === 'jobs'
        ? await h.db.sql<
            { n: number }[]
          >`select count(*)::int as n from jobs where project_id = ${cast.projectId}`
        : await h.db.sql<
            { n: number }[]
          >`select count(*)::int as n from audit_log where project_id = ${cast.projectId} and action = 'job.created'`;
    return row!.n;
  };

  beforeAll(async () => {
    h = await createHarness({}, ['assets.derive']);
    cast = await createCast(h.db.sql, h.deps.jwtSecret, 'batch');
    await h.db.sql`
      insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key, deleted_at) values
        (${assetId}, ${cast.projectId}, 'image', 'image/png', 1, 'x', 'k/c1', null),
        (${deletedAssetId}, ${cast.projectId}, 'image', 'image/png', 1, 'x', 'k/c2', now()),
        (${foreignAssetId}, ${cast.otherProjectId}, 'image', 'image/png', 1, 'x', 'k/c3', null)`;
    // Warm the capability cache, so the next submissions take the batch path.
    expect((await post('editor', derive())).status).toBe(202);
  });
  afterAll(() => h.close());

  it('40 at once: every job written once with its audit entry and its flow, reserved counted as if one after another', async () => {
    await h.db.sql`delete from jobs where project_id = ${cast.projectId}`;
    const auditBefore = await count('audit');
    const responses = await Promise.all(Array.from({ length: 40 }, () => post('editor', derive())));
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(202));
    // The batch path's own spans: no separate authorize or asset round trips.
    for (const r of responses)
      expect(r.headers.get('server-timing')).toMatch(
        /^plan;dur=[\d.]+, record;dur=[\d.]+, enqueue;dur=[\d.]+$/,
      );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Submitted[];
    const ids = new Set(bodies.map((b) => b.job.id));
    expect(ids.size).toBe(40);
    expect(await count('jobs')).toBe(40);
    expect((await count('audit')) - auditBefore).toBe(40);
    for (const b of bodies) {
      expect(b.job).toMatchObject({ status: 'queued', type: 'assets.derive', costEstimateUsd: one });
      const root = await BullJob.fromId(h.queues.queues.cpu, rootJobId(b.job.id, 1));
      expect(root?.data).toMatchObject({ jobId: b.job.id });
    }
    // Each caller sees the jobs submitted before it (none were running before), exactly once.
    const reserved = bodies.map((b) => Math.round(b.budget.reservedUsd / one)).sort((a, b) => a - b);
    expect(reserved).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(bodies.every((b) => b.budget.hardLimitUsd === null && b.budget.spentUsd === 0)).toBe(true);
  });

  it('one batch, mixed callers: each gets its own answer and only the allowed ones are written', async () => {
    await h.db.sql`delete from jobs where project_id = ${cast.projectId}`;
    const auditBefore = await count('audit');
    const cases: Array<{ actor: Actor; body: unknown; status: number; code?: string; field?: string }> = [
      { actor: 'editor', body: derive(), status: 202 },
      { actor: 'outsider', body: derive(), status: 404, code: 'not_found' },
      { actor: 'viewer', body: derive(), status: 403, code: 'forbidden' },
      { actor: 'reviewer', body: derive(), status: 403, code: 'forbidden' },
      { actor: 'editor', body: derive(deletedAssetId), status: 422, field: 'assetId' },
      { actor: 'editor', body: derive(foreignAssetId), status: 422, field: 'assetId' },
      { actor: 'owner', body: derive(), status: 202 },
      { actor: 'anonymous', body: derive(), status: 401 },
    ];
    const responses = await Promise.all(cases.map((c) => post(c.actor, c.body)));
    for (const [i, res] of responses.entries()) {
      const want = cases[i]!;
      expect([i, res.status]).toEqual([i, want.status]);
      if (want.status === 202) continue;
      const err = (await res.json()) as {
        error: { code: string; message: string; details?: { field?: string } };
      };
      if (want.code) expect(err.error.code).toBe(want.code);
      if (want.field) expect(err.error.details?.field).toBe(want.field);
    }
    const forbidden = (await (await post('viewer', derive())).json()) as { error: { message: string } };
    expect(forbidden.error.message).toBe('Your role (viewer) cannot do this (jobs:create).');
    expect(await count('jobs')).toBe(2);
    expect((await count('audit')) - auditBefore).toBe(2);
  });

  it('a deleted project answers 404 to its own members', async () => {
    const [p] = await h.db.sql<{ id: string }[]>`
      insert into projects (name, created_by, deleted_at) values ('Gone', ${cast.userIds.owner}, now()) returning id`;
    await h.db
      .sql`insert into project_members (project_id, user_id, role) values (${p!.id}, ${cast.userIds.owner}, 'owner')`;
    const res = await post('owner', derive(), p!.id);
    expect(res.status).toBe(404);
    const [n] = await h.db.sql<
      { n: number }[]
    >`select count(*)::int as n from jobs where project_id = ${p!.id}`;
    expect(n!.n).toBe(0);
  });

  it('a project with a budget limit is not written by the batch: the serialised path checks it', async () => {
    await h.db.sql`delete from jobs where project_id = ${cast.projectId}`;
    await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...cast.headers('owner') },
      body: JSON.stringify({ softLimitUsd: null, hardLimitUsd: one * 3.5 }),
    });
    try {
      const responses = await Promise.all(Array.from({ length: 6 }, () => post('editor', derive())));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([202, 202, 202, 402, 402, 402]);
      for (const r of responses)
        expect(r.headers.get('server-timing') ?? 'batch;dur=0').toMatch(/^batch;dur=[\d.]+/);
      expect(await count('jobs')).toBe(3);
    } finally {
      await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...cast.headers('owner') },
        body: JSON.stringify({ softLimitUsd: null, hardLimitUsd: null }),
      });
    }
  });

  it('when the flows cannot be added, the batch rows are removed and every caller is told nothing was queued', async () => {
    await h.db.sql`delete from jobs where project_id = ${cast.projectId}`;
    // A producer whose Redis cannot be reached: addBulk fails for the whole batch.
    const nowhere = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const broken = createJobQueues(nowhere, h.queues.prefix);
    const quiet = () => {};
    nowhere.on('error', quiet);
    broken.flows.on('error', quiet);
    broken.queues.cpu.on('error', quiet);
    broken.queues.gpu.on('error', quiet);
    const batcher = createSubmitBatcher(h.db.sql, broken);
    const input = {
      projectId: cast.projectId,
      userId: cast.userIds.editor,
      type: 'assets.derive' as const,
      params: { assetId },
      permission: 'jobs:create' as const,
      assets: [{ field: 'assetId', id: assetId }],
    };
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => batcher.submit(input)));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toMatchObject({ name: 'EnqueueFailedError' });
      expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/Nothing was created/);
    }
    expect(await count('jobs')).toBe(0);
    await broken.close().catch(() => {});
    nowhere.disconnect();
  });
});
