import type { JobTypeInfo } from '@clapboard/shared/jobs';
import type { Consent, Lesson } from '@clapboard/shared/lessons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceWorker, createHarness, type Harness } from './harness';
import { listenToProject } from './project-events';
import { type Actor, type Cast, createCast } from './support-members';

type Listener = Awaited<ReturnType<typeof listenToProject>>;

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

/** Audit entries of a project for one action, oldest first. */
async function auditOf(h: Harness, projectId: string, action: string) {
  return h.db.sql<{ actor_id: string; target_id: string; details: Record<string, unknown> }[]>`
    select actor_id, target_id, details from audit_log
    where project_id = ${projectId} and action = ${action} order by created_at, id`;
}

describe('lessons and consents API', () => {
  let h: Harness;
  let cast: Cast;
  /** A Socket.IO client in the project's room (through the API's Redis emitter). */
  let listener: Listener;
  const assets = {} as Record<'image' | 'audio' | 'video' | 'document' | 'otherImage', string>;

  const send = (method: string, path: string, actor: Actor, body?: unknown) =>
    h.app.request(path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...cast.headers(actor),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    // The only worker runs thumbnails and declines drafting: it has no LLM provider.
    h = await createHarness({}, ['assets.derive']);
    cast = await createCast(h.db.sql, h.deps.jwtSecret, 'lessons');
    for (const [key, kind, project] of [
      ['image', 'image', cast.projectId],
      ['audio', 'audio', cast.projectId],
      ['video', 'video', cast.projectId],
      ['document', 'document', cast.projectId],
      ['otherImage', 'image', cast.otherProjectId],
    ] as const) {
      const [a] = await h.db.sql<{ id: string }[]>`
        insert into assets (project_id, kind, mime, byte_size, sha256, storage_key)
        values (${project}, ${kind}, 'application/octet-stream', 1, 'x', ${`k/${key}`}) returning id`;
      assets[key] = a!.id;
    }

    listener = await listenToProject(h, cast.projectId, [
      'lesson:created',
      'lesson:updated',
      'lesson:deleted',
      'consent:changed',
    ]);
  });
  afterAll(async () => {
    await listener.close();
    await h.close();
  });
  const waitForEvent: Listener['waitFor'] = (name, match) => listener.waitFor(name, match);

  it('creates, lists, renames and soft-deletes a lesson, audited and broadcast', async () => {
    const created = await send('POST', `/api/v1/projects/${cast.projectId}/lessons`, 'editor', {
      title: '  Fire safety  ',
    });
    expect(created.status).toBe(201);
    const lesson = (await created.json()) as Lesson;
    expect(lesson).toMatchObject({
      projectId: cast.projectId,
      title: 'Fire safety',
      createdBy: cast.userIds.editor,
    });
    expect(new Date(lesson.createdAt).toISOString()).toBe(lesson.createdAt);
    expect(
      (await waitForEvent('lesson:created', (e) => (e.payload as { lesson: Lesson }).lesson.id === lesson.id))
        .projectId,
    ).toBe(cast.projectId);

    // Every member reads it; the viewer cannot rename it.
    expect(await (await send('GET', `/api/v1/lessons/${lesson.id}`, 'viewer')).json()).toEqual(lesson);
    expect((await send('PATCH', `/api/v1/lessons/${lesson.id}`, 'viewer', { title: 'x' })).status).toBe(403);
    const renamed = await send('PATCH', `/api/v1/lessons/${lesson.id}`, 'owner', {
      title: 'Fire safety 101',
    });
    expect(renamed.status).toBe(200);
    expect(((await renamed.json()) as Lesson).title).toBe('Fire safety 101');
    await waitForEvent(
      'lesson:updated',
      (e) => (e.payload as { lesson: Lesson }).lesson.title === 'Fire safety 101',
    );
    expect((await auditOf(h, cast.projectId, 'lesson.rename'))[0]).toMatchObject({
      actor_id: cast.userIds.owner,
      target_id: lesson.id,
      details: { from: 'Fire safety', to: 'Fire safety 101' },
    });

    const deleted = await send('DELETE', `/api/v1/lessons/${lesson.id}`, 'editor');
    expect(deleted.status).toBe(204);
    await waitForEvent('lesson:deleted', (e) => (e.payload as { lesson: Lesson }).lesson.id === lesson.id);
    // Gone for everyone, the row kept with its deletion time, and the delete audited once.
    expect((await send('GET', `/api/v1/lessons/${lesson.id}`, 'owner')).status).toBe(404);
    expect((await send('DELETE', `/api/v1/lessons/${lesson.id}`, 'owner')).status).toBe(404);
    expect((await send('PATCH', `/api/v1/lessons/${lesson.id}`, 'owner', { title: 'y' })).status).toBe(404);
    const list = (await (
      await send('GET', `/api/v1/projects/${cast.projectId}/lessons`, 'viewer')
    ).json()) as {
      items: Lesson[];
    };
    expect(list.items.map((l) => l.id)).not.toContain(lesson.id);
    const [row] = await h.db.sql<
      { deleted_at: Date | null }[]
    >`select deleted_at from lessons where id = ${lesson.id}`;
    expect(row?.deleted_at).toBeInstanceOf(Date);
    expect(await auditOf(h, cast.projectId, 'lesson.delete')).toHaveLength(1);
    expect(await auditOf(h, cast.projectId, 'lesson.create')).toHaveLength(1);
  });

  it('pages lessons that share a creation instant without skipping or repeating one', async () => {
    // One statement: every row gets the same now(), so only the id orders them.
    await h.db.sql`
      insert into lessons (project_id, title, created_by)
      select ${cast.projectId}, 'Batch ' || g, ${cast.userIds.owner} from generate_series(1, 7) g`;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await send(
        'GET',
        `/api/v1/projects/${cast.projectId}/lessons?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        'reviewer',
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Lesson[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor;
    } while (cursor);
    const [{ n }] = (await h.db.sql`
      select count(*)::int as n from lessons where project_id = ${cast.projectId} and deleted_at is null`) as unknown as [
      { n: number },
    ];
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    expect(
      (await send('GET', `/api/v1/projects/${cast.projectId}/lessons?cursor=bm9wZQ`, 'owner')).status,
    ).toBe(400);
  });

  it('refuses bad input and hides other projects', async () => {
    const path = `/api/v1/projects/${cast.projectId}/lessons`;
    for (const body of [{}, { title: '' }, { title: '   ' }, { title: 'x'.repeat(201) }, { title: 7 }]) {
      const res = await send('POST', path, 'owner', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe('validation_failed');
    }
    expect((await send('GET', '/api/v1/lessons/not-a-uuid', 'owner')).status).toBe(400);
    expect((await send('POST', path, 'reviewer', { title: 'No' })).status).toBe(403);
    expect((await send('POST', path, 'outsider', { title: 'No' })).status).toBe(404);
    const [other] = await h.db.sql<{ id: string }[]>`
      insert into lessons (project_id, title) values (${cast.otherProjectId}, 'Theirs') returning id`;
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { title: 'Mine now' }],
      ['DELETE', undefined],
    ] as const)
      expect((await send(method, `/api/v1/lessons/${other!.id}`, 'owner', body)).status).toBe(404);
    expect((await send('GET', `/api/v1/lessons/${other!.id}`, 'outsider')).status).toBe(200);
  });

  it('records a consent for a live asset of the right kind, lists it, and revokes it once', async () => {
    const path = `/api/v1/projects/${cast.projectId}/consents`;
    const res = await send('POST', path, 'editor', {
      kind: 'portrait',
      subjectName: 'Ada Presenter',
      assetId: assets.image,
      scope: 'Internal safety training, 2027',
      statementText: 'I agree that my portrait is animated for these lessons.',
    });
    expect(res.status).toBe(201);
    const consent = (await res.json()) as Consent;
    expect(consent).toMatchObject({
      kind: 'portrait',
      assetId: assets.image,
      statementAssetId: null,
      recordedBy: cast.userIds.editor,
      revokedAt: null,
    });
    await waitForEvent(
      'consent:changed',
      (e) => (e.payload as { consent: Consent }).consent.id === consent.id,
    );

    // A voice consent with an uploaded statement (a PDF).
    const voice = await send('POST', path, 'owner', {
      kind: 'voice',
      subjectName: 'Ada Presenter',
      assetId: assets.audio,
      scope: 'Narration of internal lessons',
      statementAssetId: assets.document,
    });
    expect(voice.status).toBe(201);
    const voiceConsent = (await voice.json()) as Consent;
    expect(voiceConsent.statementAssetId).toBe(assets.document);

    // Everyone reads them; filters by asset, kind and liveness.
    expect(await (await send('GET', `/api/v1/consents/${consent.id}`, 'viewer')).json()).toEqual(consent);
    const forImage = (await (await send('GET', `${path}?assetId=${assets.image}`, 'reviewer')).json()) as {
      items: Consent[];
    };
    expect(forImage.items.map((c) => c.id)).toEqual([consent.id]);
    const voices = (await (await send('GET', `${path}?kind=voice`, 'viewer')).json()) as { items: Consent[] };
    expect(voices.items.map((c) => c.id)).toEqual([voiceConsent.id]);

    // Viewers and reviewers cannot revoke; an editor can, once; the record stays, revoked.
    expect((await send('DELETE', `/api/v1/consents/${consent.id}`, 'reviewer')).status).toBe(403);
    const revoked = await send('DELETE', `/api/v1/consents/${consent.id}`, 'editor');
    expect(revoked.status).toBe(200);
    const after = (await revoked.json()) as Consent;
    expect(after.revokedAt).not.toBeNull();
    await waitForEvent(
      'consent:changed',
      (e) => (e.payload as { consent: Consent; change: string }).change === 'revoked',
    );
    const again = await send('DELETE', `/api/v1/consents/${consent.id}`, 'owner');
    expect(again.status).toBe(409);
    expect(((await again.json()) as ErrorBody).error.message).toMatch(/already revoked/);
    const [row] = await h.db.sql<
      { revoked_by: string }[]
    >`select revoked_by from consents where id = ${consent.id}`;
    expect(row?.revoked_by).toBe(cast.userIds.editor);
    const live = (await (await send('GET', `${path}?live=true&assetId=${assets.image}`, 'owner')).json()) as {
      items: Consent[];
    };
    expect(live.items).toEqual([]);
    const all = (await (await send('GET', `${path}?assetId=${assets.image}`, 'owner')).json()) as {
      items: Consent[];
    };
    expect(all.items.map((c) => c.revokedAt !== null)).toEqual([true]);
    expect((await auditOf(h, cast.projectId, 'consent.record')).map((a) => a.target_id)).toEqual([
      consent.id,
      voiceConsent.id,
    ]);
    expect(await auditOf(h, cast.projectId, 'consent.revoke')).toEqual([
      expect.objectContaining({ actor_id: cast.userIds.editor, target_id: consent.id }),
    ]);
  });

  it('refuses a consent for the wrong kind, another project, a deleted asset or a bad statement', async () => {
    const path = `/api/v1/projects/${cast.projectId}/consents`;
    const base = { subjectName: 'Sam', scope: 'Lessons', statementText: 'Yes.' };
    const cases: Array<[Record<string, unknown>, number, string?]> = [
      [{ ...base, kind: 'voice', assetId: assets.image }, 422, 'assetId'],
      [{ ...base, kind: 'portrait', assetId: assets.audio }, 422, 'assetId'],
      [{ ...base, kind: 'portrait', assetId: assets.video }, 422, 'assetId'],
      [{ ...base, kind: 'portrait', assetId: assets.otherImage }, 422, 'assetId'],
      [{ ...base, kind: 'portrait', assetId: crypto.randomUUID() }, 422, 'assetId'],
      [
        {
          ...base,
          statementText: undefined,
          kind: 'portrait',
          assetId: assets.image,
          statementAssetId: assets.audio,
        },
        422,
        'statementAssetId',
      ],
      [
        {
          ...base,
          statementText: undefined,
          kind: 'portrait',
          assetId: assets.image,
          statementAssetId: assets.otherImage,
        },
        422,
        'statementAssetId',
      ],
      // Both statements, or neither: one of the two.
      [{ ...base, kind: 'portrait', assetId: assets.image, statementAssetId: assets.document }, 400],
      [{ ...base, statementText: undefined, kind: 'portrait', assetId: assets.image }, 400],
      [{ ...base, kind: 'face', assetId: assets.image }, 400],
      [{ ...base, kind: 'portrait', assetId: assets.image, subjectName: '' }, 400],
      [{ ...base, kind: 'portrait', assetId: assets.image, scope: 'x'.repeat(1001) }, 400],
      [{ ...base, kind: 'portrait', assetId: assets.image, statementText: 'x'.repeat(10_001) }, 400],
    ];
    for (const [body, status, field] of cases) {
      const res = await send('POST', path, 'owner', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      if (field) expect(((await res.json()) as ErrorBody).error.details?.field).toBe(field);
    }
    // A deleted asset no longer takes a consent.
    await h.db.sql`update assets set deleted_at = now() where id = ${assets.video}`;
    const [deletedImage] = await h.db.sql<{ id: string }[]>`
      insert into assets (project_id, kind, mime, byte_size, sha256, storage_key, deleted_at)
      values (${cast.projectId}, 'image', 'image/png', 1, 'x', 'k/gone', now()) returning id`;
    expect(
      (await send('POST', path, 'owner', { ...base, kind: 'portrait', assetId: deletedImage!.id })).status,
    ).toBe(422);
    expect(
      (await send('POST', path, 'viewer', { ...base, kind: 'portrait', assetId: assets.image })).status,
    ).toBe(403);
    expect(
      (await send('POST', path, 'outsider', { ...base, kind: 'portrait', assetId: assets.image })).status,
    ).toBe(404);
    // Another project's consent is invisible.
    const [theirs] = await h.db.sql<{ id: string }[]>`
      insert into consents (project_id, kind, subject_name, asset_id, scope, statement_text)
      values (${cast.otherProjectId}, 'portrait', 'T', ${assets.otherImage}, 's', 't') returning id`;
    expect((await send('GET', `/api/v1/consents/${theirs!.id}`, 'owner')).status).toBe(404);
    expect((await send('DELETE', `/api/v1/consents/${theirs!.id}`, 'owner')).status).toBe(404);
    expect((await send('GET', `${path}?kind=mouth`, 'owner')).status).toBe(400);
  });

  it('lesson.draft: 503 with the worker’s reason and nothing written, then accepted once a worker has a provider', async () => {
    const [lesson] = await h.db.sql<{ id: string }[]>`
      insert into lessons (project_id, title) values (${cast.projectId}, 'Draft me') returning id`;
    const reason =
      'No worker has an LLM provider configured (set OPENAI_BASE_URL or OLLAMA_BASE_URL on a worker).';
    await announceWorker(h.redis, h.redisPrefix, ['assets.derive'], 'no-llm', 600, [
      { type: 'lesson.draft', reason },
    ]);
    await h.app.request(`/api/v1/projects/${cast.projectId}/budget`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...cast.headers('owner') },
      body: JSON.stringify({ softLimitUsd: null, hardLimitUsd: 5 }),
    });
    const state = async () =>
      (
        await h.db.sql<{ jobs: number; ledger: number; budget: number }[]>`
          select (select count(*)::int from jobs where project_id = ${cast.projectId}) as jobs,
                 (select count(*)::int from cost_ledger where project_id = ${cast.projectId}) as ledger,
                 (select coalesce(sum(cost_estimate_usd), 0)::float from jobs
                   where project_id = ${cast.projectId} and status in ('queued', 'running')) as budget`
      )[0];
    const before = await state();
    const body = { type: 'lesson.draft', params: { lessonId: lesson!.id, topic: 'Fire extinguishers' } };
    const jobs = `/api/v1/projects/${cast.projectId}/jobs`;
    const refused = await send('POST', jobs, 'editor', body);
    expect(refused.status).toBe(503);
    const err = ((await refused.json()) as ErrorBody).error;
    expect(err).toEqual({ code: 'capability_missing', message: reason, details: { type: 'lesson.draft' } });
    expect(await state()).toEqual(before);
    const types = (await (await send('GET', '/api/v1/job-types', 'viewer')).json()) as {
      items: JobTypeInfo[];
    };
    expect(types.items.find((t) => t.type === 'lesson.draft')).toMatchObject({ available: false, reason });

    // Bad parameters are a 400 before any capability question.
    const bad = await send('POST', jobs, 'editor', {
      type: 'lesson.draft',
      params: { lessonId: lesson!.id, topic: 'x' },
    });
    expect(bad.status).toBe(400);

    await announceWorker(h.redis, h.redisPrefix, ['assets.derive', 'lesson.draft'], 'with-llm');
    // A lesson of another project, or a deleted one, is refused before anything is written.
    const [foreign] = await h.db.sql<{ id: string }[]>`
      insert into lessons (project_id, title) values (${cast.otherProjectId}, 'Theirs') returning id`;
    const [gone] = await h.db.sql<{ id: string }[]>`
      insert into lessons (project_id, title, deleted_at) values (${cast.projectId}, 'Gone', now()) returning id`;
    for (const lessonId of [foreign!.id, gone!.id]) {
      const res = await send('POST', jobs, 'editor', { ...body, params: { ...body.params, lessonId } });
      expect(res.status).toBe(422);
      expect(((await res.json()) as ErrorBody).error.details?.field).toBe('lessonId');
    }
    expect(await state()).toEqual(before);
    expect((await send('POST', jobs, 'viewer', body)).status).toBe(403);
    const ok = await send('POST', jobs, 'editor', body);
    expect(ok.status).toBe(202);
    const { job } = (await ok.json()) as { job: { type: string; params: Record<string, unknown> } };
    // Defaults are filled in by the shared schema.
    expect(job).toMatchObject({
      type: 'lesson.draft',
      params: {
        lessonId: lesson!.id,
        topic: 'Fire extinguishers',
        minutes: 3,
        tone: 'friendly',
        withQuiz: false,
      },
    });
    await h.redis.del(`${h.redisPrefix}:models:no-llm`, `${h.redisPrefix}:models:with-llm`);
  });
});
