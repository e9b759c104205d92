import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './harness';
import { type Actor, type Cast, createCast } from './support-members';

const assetId = '00000000-0000-4000-8000-0000000000d1';
const derive = { type: 'assets.derive', params: { assetId } };

describe('jobs one member may start per minute (submits and retries, all projects)', () => {
  let h: Harness;
  let cast: Cast;
  const post = (actor: Actor, path: string, body?: unknown) =>
    h.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers(actor) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const submit = (actor: Actor) => post(actor, `/api/v1/projects/${cast.projectId}/jobs`, derive);

  beforeAll(async () => {
    h = await createHarness({ jobSubmitRate: { perMember: 3, windowSec: 60 } }, ['assets.derive']);
    cast = await createCast(h.db.sql, h.deps.jwtSecret, 'rate');
    await h.db.sql`
      insert into assets (id, project_id, kind, mime, byte_size, sha256, storage_key)
      values (${assetId}, ${cast.projectId}, 'image', 'image/png', 1, 'x', 'k/d1')`;
  });
  afterAll(() => h.close());

  it('the 4th start in the window is refused with 429 and Retry-After, writes nothing, and counts retries too; other members are not affected', async () => {
    const first = await submit('editor');
    expect(first.status).toBe(202);
    const { job } = (await first.json()) as { job: { id: string } };
    expect((await submit('editor')).status).toBe(202);
    // A retry is a start as well: cancel the first job and run it again (the 3rd start).
    expect((await post('editor', `/api/v1/jobs/${job.id}/cancel`)).status).toBe(202);
    expect((await post('editor', `/api/v1/jobs/${job.id}/retry`)).status).toBe(202);

    const jobsBefore = (await h.db.sql`select count(*)::int as n from jobs`)[0]!.n;
    const refused = await submit('editor');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toMatchObject({
      error: { code: 'rate_limited', message: expect.stringMatching(/started 3 jobs in the last 60 s/) },
    });
    expect((await post('editor', `/api/v1/jobs/${job.id}/retry`)).status).toBe(429);
    expect((await h.db.sql`select count(*)::int as n from jobs`)[0]!.n).toBe(jobsBefore);

    // Another member of the same project starts jobs as usual.
    expect((await submit('owner')).status).toBe(202);
  });
});
