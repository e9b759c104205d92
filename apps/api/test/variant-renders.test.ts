import { replaceScenes } from '@clapboard/screenplay';
import type { Variant } from '@clapboard/shared/campaigns';
import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createHarness, type Harness } from './harness';
import { type Actor, type Cast, createCast } from './support-members';

/** A storyboard of four 5-second scenes with a line each. */
function storyboard(): Uint8Array {
  const doc = new Y.Doc();
  replaceScenes(
    doc,
    Array.from({ length: 4 }, (_, i) => ({
      id: `s${i}`,
      heading: `INT. SHOP ${i} - DAY`,
      durationSec: 5,
      dialogue: [{ character: 'ANA', text: `Line number ${i + 1}.`, parenthetical: null, extension: null }],
    })),
  );
  return Y.encodeStateAsUpdate(doc);
}

type Submitted = {
  job: {
    id: string;
    type: string;
    status: string;
    params: Record<string, unknown>;
    versionId: string | null;
  };
  variants: Variant[];
  warnings: string[];
};
type ErrorBody = { error: { code: string; message: string; details?: unknown } };

describe('POST /projects/{id}/variants starts one render.variants job with its variants', () => {
  let h: Harness;
  let cast: Cast;
  const post = (body: unknown, actor: Actor = 'editor', headers: Record<string, string> = {}) =>
    h.app.request(`/api/v1/projects/${cast.projectId}/variants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers(actor), ...headers },
      body: JSON.stringify(body),
    });
  const rows = () =>
    h.db.sql<{ key: string; status: string; job_id: string }[]>`
      select key, status, job_id from variants where project_id = ${cast.projectId} order by created_at, key`;
  const matrix = {
    variants: [{ preset: 'vertical-15' }, { preset: 'square-30' }, { preset: 'landscape-60' }],
  };

  beforeAll(async () => {
    h = await createHarness();
    cast = await createCast(h.db.sql, h.deps.jwtSecret, 'variants');
    await h.db
      .sql`insert into doc_updates (doc_id, update) values (${cast.projectId}, ${Buffer.from(storyboard())})`;
  });
  afterAll(() => h.close());

  it('202: the job pins the document, its variants are rows in the job’s order, its flow is queued', async () => {
    const res = await post({ ...matrix, resolution: '480p' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as Submitted;
    expect(body.job).toMatchObject({ type: 'render.variants', status: 'queued' });
    expect(body.job.versionId).not.toBeNull();
    expect(body.variants.map((v) => [v.key, v.aspectRatio, v.durationSec, v.status])).toEqual([
      ['vertical-15', '9:16', 15, 'rendering'],
      ['square-30', '1:1', 30, 'rendering'],
      ['landscape-60', '16:9', 60, 'rendering'],
    ]);
    for (const v of body.variants)
      expect(v).toMatchObject({ jobId: body.job.id, brandKitId: null, stale: false, approval: null });
    // The payload names each row; the rows are in Postgres with the job.
    const payload = body.job.params as {
      variants: Array<{ variantId: string; key: string }>;
      brand: unknown;
    };
    expect(payload.variants.map((v) => v.variantId)).toEqual(body.variants.map((v) => v.id));
    expect(payload.brand).toBeNull();
    expect((await rows()).filter((r) => r.job_id === body.job.id)).toHaveLength(3);
    await h.dispatched();
    const queue = new Queue(QUEUE_NAMES.gpu, { connection: h.redis.duplicate(), prefix: h.prefix });
    try {
      for (const step of ['scene-0_frame', 'scene-3_voice', 'music', 'shots', 'assemble'])
        expect(await queue.getJob(`${body.job.id}.1.${step}`), step).toBeTruthy();
    } finally {
      await queue.close();
    }
  });

  it('400 for duplicate variants, seven of them, or an unknown preset; nothing is created', async () => {
    const before = (await rows()).length;
    const jobs = async () =>
      (await h.db.sql`select id from jobs where project_id = ${cast.projectId}`).length;
    const jobsBefore = await jobs();
    for (const body of [
      { variants: [{ preset: 'square-30' }, { preset: 'square-30' }] },
      {
        variants: [
          { preset: 'custom', name: 'a', aspectRatio: '4:3', durationSec: 20 },
          { preset: 'custom', name: 'a', aspectRatio: '1:1', durationSec: 10 },
        ],
      },
      {
        variants: Array.from({ length: 7 }, (_, i) => ({
          preset: 'custom',
          name: `cut ${i}`,
          aspectRatio: '16:9',
          durationSec: 10 + i,
        })),
      },
      { variants: [{ preset: 'billboard-5' }] },
      { variants: [] },
    ]) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.code).toBe('validation_failed');
    }
    expect((await rows()).length).toBe(before);
    expect(await jobs()).toBe(jobsBefore);
  });

  it('a viewer is refused with 403, a stranger with 404, and neither creates anything', async () => {
    const before = (await rows()).length;
    const viewer = await post(matrix, 'viewer');
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as ErrorBody).error.message).toContain('jobs:create');
    expect((await post(matrix, 'reviewer')).status).toBe(403);
    expect((await post(matrix, 'outsider')).status).toBe(404);
    expect((await post(matrix, 'anonymous')).status).toBe(401);
    expect((await rows()).length).toBe(before);
  });

  it('the same idempotency key answers the same job and variants, and writes nothing twice', async () => {
    const key = { 'idempotency-key': 'matrix-1' };
    const first = (await (await post(matrix, 'editor', key)).json()) as Submitted;
    const again = await post(matrix, 'editor', key);
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const second = (await again.json()) as Submitted;
    expect(second.job.id).toBe(first.job.id);
    expect(second.variants.map((v) => v.id)).toEqual(first.variants.map((v) => v.id));
    expect((await rows()).filter((r) => r.job_id === first.job.id)).toHaveLength(3);
  });

  it('cancelling the job cancels its variants; retrying it sets them rendering again', async () => {
    const { job } = (await (await post({ variants: [{ preset: 'portrait-30' }] })).json()) as Submitted;
    await h.dispatched();
    const cancel = await h.app.request(`/api/v1/jobs/${job.id}/cancel`, {
      method: 'POST',
      headers: cast.headers('editor'),
    });
    expect(cancel.status).toBe(202);
    const status = async () =>
      (await h.db.sql<{ status: string }[]>`select status from variants where job_id = ${job.id}`).map(
        (r) => r.status,
      );
    expect(await status()).toEqual(['cancelled']);
    const retry = await h.app.request(`/api/v1/jobs/${job.id}/retry`, {
      method: 'POST',
      headers: cast.headers('editor'),
    });
    expect(retry.status).toBe(202);
    expect(await status()).toEqual(['rendering']);
  });

  it('a job past the hard budget is a 402 and leaves no variants', async () => {
    const poor = await createCast(h.db.sql, h.deps.jwtSecret, 'variants-poor');
    await h.db
      .sql`insert into doc_updates (doc_id, update) values (${poor.projectId}, ${Buffer.from(storyboard())})`;
    await h.db.sql`insert into budgets (project_id, hard_limit_usd) values (${poor.projectId}, 0.000001)`;
    const res = await h.app.request(`/api/v1/projects/${poor.projectId}/variants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...poor.headers('owner') },
      body: JSON.stringify(matrix),
    });
    expect(res.status).toBe(402);
    expect(await h.db.sql`select id from variants where project_id = ${poor.projectId}`).toHaveLength(0);
    expect(await h.db.sql`select id from jobs where project_id = ${poor.projectId}`).toHaveLength(0);
  });

  it('the campaign’s brand kit is pinned into the job and recorded on every variant; a caller cannot send one', async () => {
    const [client] = await h.db.sql<
      { id: string }[]
    >`insert into clients (name) values ('Acme') returning id`;
    const [kit] = await h.db.sql<{ id: string }[]>`
      insert into brand_kits (client_id, name, style, revision)
      values (${client!.id}, 'Acme kit', ${h.db.sql.json({ musicMood: 'upbeat', introCard: { enabled: true } })}, 4)
      returning id`;
    const [campaign] = await h.db.sql<{ id: string }[]>`
      insert into campaigns (client_id, name, brand_kit_id) values (${client!.id}, 'Spring sale', ${kit!.id}) returning id`;
    await h.db.sql`update projects set campaign_id = ${campaign!.id} where id = ${cast.projectId}`;
    try {
      const res = await post({ variants: [{ preset: 'vertical-30' }], brand: { kitId: cast.projectId } });
      expect(res.status).toBe(202);
      const body = (await res.json()) as Submitted;
      expect(body.variants[0]).toMatchObject({ brandKitId: kit!.id, brandKitRevision: 4, stale: false });
      expect(body.job.params.brand).toMatchObject({
        kitId: kit!.id,
        revision: 4,
        introText: 'Spring sale',
        style: { musicMood: 'upbeat', introCard: { enabled: true } },
      });
      // A plain render through the jobs route gets the same kit, whatever its params said.
      const render = await h.app.request(`/api/v1/projects/${cast.projectId}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...cast.headers('editor') },
        body: JSON.stringify({
          type: 'render.video',
          params: { brand: { kitId: client!.id, revision: 99, style: {}, logo: null, fonts: [] } },
        }),
      });
      expect(render.status).toBe(202);
      const { job } = (await render.json()) as Submitted;
      expect(job.params.brand).toMatchObject({ kitId: kit!.id, revision: 4 });
      // A newer revision of the kit makes the variant stale.
      await h.db.sql`update brand_kits set revision = 5 where id = ${kit!.id}`;
      const [stale] = await h.db.sql<{ stale: boolean }[]>`
        select (k.revision > v.brand_kit_revision) as stale from variants v join brand_kits k on k.id = v.brand_kit_id
        where v.id = ${body.variants[0]!.id}`;
      expect(stale!.stale).toBe(true);
    } finally {
      await h.db.sql`update projects set campaign_id = null where id = ${cast.projectId}`;
    }
  });

  it('the jobs route does not start variant renders: they need their rows', async () => {
    const res = await h.app.request(`/api/v1/projects/${cast.projectId}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers('editor') },
      body: JSON.stringify({ type: 'render.variants', params: {} }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toContain(`/projects/${cast.projectId}/variants`);
  });

  it('is in the OpenAPI document with its body and 202 schemas', async () => {
    const doc = (await (await h.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    const route = doc.paths['/api/v1/projects/{id}/variants']!.post!;
    expect(JSON.stringify(route.requestBody)).toContain('vertical-15');
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['202', '400', '402', '403', '404']));
  });
});
