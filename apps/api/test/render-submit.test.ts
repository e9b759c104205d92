import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createHarness, type Harness } from './harness';
import { type Cast, createCast } from './support-members';

/** A document with `n` storyboard scenes (and one removed scene, which a render leaves out). */
function documentWithScenes(n: number): Uint8Array {
  const doc = new Y.Doc();
  const scenes = doc.getArray<Y.Map<unknown>>('scenes');
  for (let i = 0; i <= n; i++) {
    const map = new Y.Map<unknown>();
    map.set('id', `s${i}`);
    map.set('heading', `INT. ROOM ${i} - DAY`);
    if (i === n) map.set('removed', true);
    scenes.push([map]);
  }
  return Y.encodeStateAsUpdate(doc);
}

describe('render.video submission pins the document and plans one branch per scene', () => {
  let h: Harness;
  let cast: Cast;
  const submit = (params: unknown = {}) =>
    h.app.request(`/api/v1/projects/${cast.projectId}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers('editor') },
      body: JSON.stringify({ type: 'render.video', params }),
    });

  beforeAll(async () => {
    h = await createHarness();
    cast = await createCast(h.db.sql, h.deps.jwtSecret);
  });
  afterAll(() => h.close());

  it('an empty storyboard is a 422 and nothing is queued', async () => {
    const res = await submit();
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no scenes/);
    expect(await h.db.sql`select id from jobs where type = 'render.video'`).toHaveLength(0);
  });

  it('an unsupported aspect ratio is a 400 naming the field', async () => {
    const res = await submit({ preset: { aspectRatio: '21:9' } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('aspectRatio');
  });

  it('pins a render version, sets the job version and queues frame/voice/shot per scene', async () => {
    await h.db
      .sql`insert into doc_updates (doc_id, update) values (${cast.projectId}, ${Buffer.from(documentWithScenes(2))})`;
    const res = await submit({ preset: { resolution: '480p' } });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as { job: { id: string; versionId: string | null } };
    expect(job.versionId).not.toBeNull();
    const [version] = await h.db.sql<{ source: string; project_id: string }[]>`
      select source, project_id from doc_versions where id = ${job.versionId}`;
    expect(version).toEqual({ source: 'render', project_id: cast.projectId });
    const queue = new Queue(QUEUE_NAMES.gpu, { connection: h.redis.duplicate(), prefix: h.prefix });
    try {
      for (const step of ['scene-0_frame', 'scene-1_voice', 'scene-1_shot', 'music', 'assemble'])
        expect(await queue.getJob(`${job.id}.1.${step}`), step).toBeTruthy();
      // The removed scene is not rendered.
      expect(await queue.getJob(`${job.id}.1.scene-2_frame`)).toBeUndefined();
      const frame = await queue.getJob(`${job.id}.1.scene-1_frame`);
      expect(frame!.data.item).toEqual({ scene: 1 });
    } finally {
      await queue.close();
    }
  });
});
