import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { projectEventSchema } from '@clapboard/shared/events';
import { estimatePlan, planJob } from '@clapboard/shared/job-plan';
import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { createAdapter } from '@socket.io/redis-adapter';
import { Queue } from 'bullmq';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';
import { listenToProject } from './project-events';
import { ACTORS, type Actor, type Cast, createCast } from './support-members';

const assetId = '00000000-0000-4000-8000-0000000000aa';
const derive = { type: 'assets.derive', params: { assetId } };

describe('jobs API against real Postgres and Redis', () => {
  let h: Harness;
  let cast: Cast;
  const post = (path: string, actor: Actor, body?: unknown, headers: Record<string, string> = {}) =>
    h.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers(actor), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const get = (path: string, actor: Actor) => h.app.request(path, { headers: cast.headers(actor) });

  beforeAll(async () => {
    h = await createHarness();
    cast = await createCast(h.db.sql, h.deps.jwtSecret);
    await h.db
      .sql`insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key) values (${assetId}, ${cast.projectId}, 'image', 'image/png', 1, 'x', 'k/a')`;
  });
  afterAll(() => h.close());

  it('authorization matrix: create, list, get, cancel, retry, priority × role', async () => {
    const [{ id: jobId }] = (await h.db
      .sql`insert into jobs (project_id, type, params, status, finished_at) values (${cast.projectId}, 'assets.derive', ${h.db.sql.json({ assetId })}, 'failed', now()) returning id`) as unknown as [
      { id: string },
    ];
    // Each actor starts from the same failed job, so their results do not depend on each other.
    const expected: Record<
      Actor,
      Record<'create' | 'list' | 'get' | 'patch' | 'budget' | 'setBudget' | 'retry' | 'cancel', number>
    > = {
      owner: {
        create: 202,
        list: 200,
        get: 200,
        patch: 200,
        budget: 200,
        setBudget: 200,
        retry: 202,
        cancel: 202,
      },
      editor: {
        create: 202,
        list: 200,
        get: 200,
        patch: 200,
        budget: 200,
        setBudget: 403,
        retry: 202,
        cancel: 202,
      },
      reviewer: {
        create: 403,
        list: 200,
        get: 200,
        patch: 403,
        budget: 200,
        setBudget: 403,
        retry: 403,
        cancel: 403,
      },
      viewer: {
        create: 403,
        list: 200,
        get: 200,
        patch: 403,
        budget: 200,
        setBudget: 403,
        retry: 403,
        cancel: 403,
      },
      outsider: {
        create: 404,
        list: 404,
        get: 404,
        patch: 404,
        budget: 404,
        setBudget: 404,
        retry: 404,
        cancel: 404,
      },
      anonymous: {
        create: 401,
        list: 401,
        get: 401,
        patch: 401,
        budget: 401,
        setBudget: 401,
        retry: 401,
        cancel: 401,
      },
    };
    const json = (actor: Actor) => ({ 'content-type': 'application/json', ...cast.headers(actor) });
    for (const actor of ACTORS) {
      await h.db
        .sql`update jobs set status = 'failed', finished_at = now(), cancel_requested_at = null where id = ${jobId}`;
      const got = {
        create: (await post(`/api/v1/projects/${cast.projectId}/jobs`, actor, derive)).status,
        list: (await get(`/api/v1/projects/${cast.projectId}/jobs`, actor)).status,
        get: (await get(`/api/v1/jobs/${jobId}`, actor)).status,
        patch: (
          await h.app.request(`/api/v1/jobs/${jobId}`, {
            method: 'PATCH',
            headers: json(actor),
            body: JSON.stringify({ priority: 3 }),
          })
        ).status,
        budget: (await get(`/api/v1/projects/${cast.projectId}/budget`, actor)).status,
        setBudget: (
          await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
            method: 'PUT',
            headers: json(actor),
            body: JSON.stringify({ softLimitUsd: 100 }),
          })
        ).status,
        // retry moves the failed job back to queued; cancel then stops it
        retry: (await post(`/api/v1/jobs/${jobId}/retry`, actor)).status,
        cancel: (await post(`/api/v1/jobs/${jobId}/cancel`, actor)).status,
      };
      expect({ actor, ...got }).toEqual({ actor, ...expected[actor] });
    }
    // Cancelling a finished job is a conflict with a reason.
    await h.db.sql`update jobs set status = 'completed', finished_at = now() where id = ${jobId}`;
    const late = await post(`/api/v1/jobs/${jobId}/cancel`, 'owner');
    expect(late.status).toBe(409);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(
      /already completed/,
    );
  });

  it('IDOR: a job of another project is a 404 through every route, even to members of this one', async () => {
    const [{ id: foreign }] = (await h.db
      .sql`insert into jobs (project_id, type, params) values (${cast.otherProjectId}, 'assets.derive', ${h.db.sql.json({ assetId })}) returning id`) as unknown as [
      { id: string },
    ];
    expect((await get(`/api/v1/jobs/${foreign}`, 'owner')).status).toBe(404);
    expect((await post(`/api/v1/jobs/${foreign}/cancel`, 'owner')).status).toBe(404);
    expect((await post(`/api/v1/jobs/${foreign}/retry`, 'editor')).status).toBe(404);
    expect((await post(`/api/v1/projects/${cast.otherProjectId}/jobs`, 'owner', derive)).status).toBe(404);
    expect((await get(`/api/v1/jobs/${foreign}`, 'outsider')).status).toBe(200);
  });

  it('refuses an asset id of another project (422), before anything is queued', async () => {
    const [{ id: foreign }] = (await h.db
      .sql`insert into assets (project_id, kind, mime, byte_size, sha256, storage_key) values (${cast.otherProjectId}, 'image', 'image/png', 1, 'x', 'k/b') returning id`) as unknown as [
      { id: string },
    ];
    const res = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', {
      type: 'assets.derive',
      params: { assetId: foreign },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'assetId does not name an asset of this project.',
    );
  });

  it('validates the payload against the job type with zod issues', async () => {
    const res = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', {
      type: 'assets.derive',
      params: { assetId: 'nope' },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: Array<{ path: string[] }> } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details[0]!.path).toEqual(['assetId']);
    expect(
      (await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', { type: 'no.such', params: {} }))
        .status,
    ).toBe(400);
  });

  it('creates a row and its queue entry together; an idempotency key returns the same job', async () => {
    const first = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive, {
      'idempotency-key': 'abc',
    });
    expect(first.status).toBe(202);
    const { job } = (await first.json()) as { job: { id: string; status: string; costEstimateUsd: number } };
    expect(job.status).toBe('queued');
    expect(job.costEstimateUsd).toBeGreaterThan(0);
    await h.dispatched();
    const queue = new Queue(QUEUE_NAMES.cpu, { connection: h.redis.duplicate(), prefix: h.prefix });
    try {
      const root = await queue.getJob(`${job.id}.1.__finalize`);
      expect(root?.data).toMatchObject({ jobId: job.id, type: 'assets.derive', step: '__finalize' });
      expect(await root!.getState()).toBe('waiting-children');
      const again = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive, {
        'idempotency-key': 'abc',
      });
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(((await again.json()) as { job: { id: string } }).job.id).toBe(job.id);
      const [{ count }] = (await h.db
        .sql`select count(*)::int as count from jobs where idempotency_key = 'abc'`) as unknown as [
        { count: number },
      ];
      expect(count).toBe(1);

      // Priority reaches the waiting BullMQ steps.
      const patched = await h.app.request(`/api/v1/jobs/${job.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...cast.headers('editor') },
        body: JSON.stringify({ priority: 1 }),
      });
      expect(((await patched.json()) as { stepsReprioritized: number }).stepsReprioritized).toBeGreaterThan(
        0,
      );
      const probe = await queue.getJob(`${job.id}.1.probe`);
      expect(probe?.priority).toBe(1);

      // Cancelling a job nothing is running for ends it at once and removes its queue entries.
      const cancelled = await post(`/api/v1/jobs/${job.id}/cancel`, 'editor');
      expect(((await cancelled.json()) as { job: { status: string } }).job.status).toBe('cancelled');
      expect(await queue.getJob(`${job.id}.1.__finalize`)).toBeUndefined();
      expect(await queue.getJob(`${job.id}.1.probe`)).toBeUndefined();
      expect((await post(`/api/v1/jobs/${job.id}/cancel`, 'editor')).status).toBe(202); // idempotent
    } finally {
      await queue.close();
    }
  });

  it('announces job:created on submit (not on a replay) and job:updated on priority and cancel', async () => {
    const listener = await listenToProject(h, cast.projectId, ['job:created', 'job:updated']);
    try {
      const submit = () =>
        post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive, { 'idempotency-key': 'announce' });
      const { job } = (await (await submit()).json()) as { job: { id: string } };
      const ofJob = (e: { type: string; payload: unknown }) =>
        (e.payload as { job: { id: string } }).job.id === job.id;
      const created = await listener.waitFor('job:created', ofJob);
      // What was sent is a member of the shared union, as the web client parses it.
      expect(projectEventSchema.parse(created)).toMatchObject({
        type: 'job:created',
        projectId: cast.projectId,
        payload: { job: { id: job.id, status: 'queued', type: 'assets.derive' } },
      });
      const patched = await h.app.request(`/api/v1/jobs/${job.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...cast.headers('editor') },
        body: JSON.stringify({ priority: 2 }),
      });
      expect(patched.status).toBe(200);
      const reprioritised = await listener.waitFor('job:updated', ofJob);
      expect(projectEventSchema.parse(reprioritised).payload).toMatchObject({
        job: { id: job.id, priority: 2 },
      });
      expect((await post(`/api/v1/jobs/${job.id}/cancel`, 'editor')).status).toBe(202);
      const cancelled = await listener.waitFor(
        'job:updated',
        (e) => ofJob(e) && (e.payload as { job: { status: string } }).job.status === 'cancelled',
      );
      expect(projectEventSchema.parse(cancelled).type).toBe('job:updated');
      // The replay of the same submission is no new job: no second job:created (the next
      // job:updated, sent after the replay, has arrived, so anything sent before it has too).
      expect((await submit()).headers.get('idempotent-replayed')).toBe('true');
      await h.app.request(`/api/v1/jobs/${job.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', ...cast.headers('editor') },
        body: JSON.stringify({ priority: 3 }),
      });
      await listener.waitFor(
        'job:updated',
        (e) => ofJob(e) && (e.payload as { job: { priority: number } }).job.priority === 3,
      );
      expect(listener.events.filter((e) => e.name === 'job:created' && ofJob(e.event))).toHaveLength(1);
    } finally {
      await listener.close();
    }
  });

  it('hard budget: 402 with the estimate and what remains; soft budget: a warning event', async () => {
    const http = createServer();
    const pub = h.redis.duplicate();
    const sub = h.redis.duplicate();
    const io = new Server(http, { adapter: createAdapter(pub, sub, { key: h.socketKey }) });
    io.on('connection', (s) => void s.join(`project:${cast.projectId}`));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ['websocket'],
    });
    const warnings: unknown[] = [];
    client.on('budget:warning', (e) => warnings.push(e));
    await new Promise<void>((r) => client.once('connect', () => r()));
    try {
      const setLimits = (soft: number | null, hard: number | null) =>
        h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...cast.headers('owner') },
          body: JSON.stringify({ softLimitUsd: soft, hardLimitUsd: hard }),
        });
      await h.db
        .sql`update jobs set status = 'cancelled', finished_at = now() where project_id = ${cast.projectId} and status in ('queued', 'running')`;
      expect((await setLimits(0.0001, 0.00005)).status).toBe(422); // soft above hard
      expect((await setLimits(null, 0.0001)).status).toBe(200);
      const refused = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive);
      expect(refused.status).toBe(402);
      const body = (await refused.json()) as {
        error: {
          code: string;
          message: string;
          details: { estimateUsd: number; remainingUsd: number; hardLimitUsd: number };
        };
      };
      expect(body.error.code).toBe('payment_required');
      expect(body.error.details.hardLimitUsd).toBe(0.0001);
      expect(body.error.details.estimateUsd).toBeGreaterThan(body.error.details.remainingUsd);
      expect(body.error.message).toMatch(/hard budget/);

      expect((await setLimits(0.0001, null)).status).toBe(200);
      const warned = await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive);
      expect(warned.status).toBe(202);
      expect(((await warned.json()) as { warnings: string[] }).warnings[0]).toMatch(/Soft budget passed/);
      const deadline = Date.now() + 5_000;
      while (warnings.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(warnings[0]).toMatchObject({ projectId: cast.projectId, type: 'budget:warning' });
      const budget = await get(`/api/v1/projects/${cast.projectId}/budget`, 'viewer');
      expect(await budget.json()).toMatchObject({ softLimitUsd: 0.0001, hardLimitUsd: null, spentUsd: 0 });
    } finally {
      client.close();
      await new Promise<void>((r) => io.close(() => r()));
      pub.disconnect();
      sub.disconnect();
    }
  });

  it('concurrent submissions never overshoot a hard budget: exactly the jobs that fit are accepted', async () => {
    await h.db
      .sql`update jobs set status = 'cancelled', finished_at = now() where project_id = ${cast.projectId} and status in ('queued', 'running')`;
    // The shared estimate of one assets.derive (this fresh deployment has no measured history).
    const one = estimatePlan('assets.derive', planJob('assets.derive', {})).usd;
    const put = await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...cast.headers('owner') },
      body: JSON.stringify({ softLimitUsd: null, hardLimitUsd: one * 2 + one / 10 }),
    });
    expect(put.status).toBe(200);
    const statuses = await Promise.all(
      Array.from(
        { length: 6 },
        async () => (await post(`/api/v1/projects/${cast.projectId}/jobs`, 'editor', derive)).status,
      ),
    );
    expect(statuses.filter((s) => s === 202)).toHaveLength(2);
    expect(statuses.filter((s) => s === 402)).toHaveLength(4);
    await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...cast.headers('owner') },
      body: JSON.stringify({ hardLimitUsd: null }),
    });
  });

  it('job history lists jobs across my projects only, paginated', async () => {
    const res = await get('/api/v1/jobs?limit=2', 'editor');
    const page1 = (await res.json()) as {
      items: Array<{ id: string; projectId: string }>;
      nextCursor: string | null;
    };
    expect(page1.items).toHaveLength(2);
    expect(page1.items.every((j) => j.projectId === cast.projectId)).toBe(true);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await (await get(`/api/v1/jobs?limit=2&cursor=${page1.nextCursor}`, 'editor')).json()) as {
      items: Array<{ id: string }>;
    };
    expect(page2.items.map((j) => j.id)).not.toContain(page1.items[0]!.id);
    expect((await get('/api/v1/jobs?cursor=garbage', 'editor')).status).toBe(400);
  });
});
