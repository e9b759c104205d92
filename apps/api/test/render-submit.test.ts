import { replaceScenes } from '@clapboard/screenplay';
import { MAX_SCENE_DURATION_SEC } from '@clapboard/shared/document';
import { QUEUE_NAMES } from '@clapboard/shared/jobs';
import { MAX_RENDER_DURATION_SEC, MAX_RENDER_SCENES } from '@clapboard/shared/render-timing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createHarness, type Harness } from './harness';
import { type Cast, createCast } from './support-members';

/** A document with `n` storyboard scenes (and one removed scene, which a render leaves out). */
function documentWithScenes(n: number): Uint8Array {
  const doc = new Y.Doc();
  replaceScenes(
    doc,
    Array.from({ length: n + 1 }, (_, i) => ({
      id: `s${i}`,
      heading: `INT. ROOM ${i} - DAY`,
      ...(i === n ? { removed: true } : {}),
    })),
  );
  return Y.encodeStateAsUpdate(doc);
}

/** A document with the given scene maps (fields as the storyboard stores them) and settings. */
function documentOf(
  scenes: Array<Record<string, unknown>>,
  settings: Record<string, unknown> = {},
): Uint8Array {
  const doc = new Y.Doc();
  replaceScenes(
    doc,
    scenes.map((fields, i) => ({ id: `s${i}`, heading: `INT. ROOM ${i} - DAY`, ...fields })),
  );
  const map = doc.getMap<unknown>('settings');
  for (const [k, v] of Object.entries(settings)) map.set(k, v);
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
    await h.dispatched();
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

describe('render.video submission refuses what the worker cannot render, before anything is created', () => {
  let h: Harness;
  let n = 0;

  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  /** Submits a render of `state` in a fresh project; returns the response and that project's id. */
  async function submitDocument(state: Uint8Array, params: unknown = {}) {
    const cast = await createCast(h.db.sql, h.deps.jwtSecret, `bounds-${n++}`);
    await h.db
      .sql`insert into doc_updates (doc_id, update) values (${cast.projectId}, ${Buffer.from(state)})`;
    const res = await h.app.request(`/api/v1/projects/${cast.projectId}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...cast.headers('editor') },
      body: JSON.stringify({ type: 'render.video', params }),
    });
    return { res, projectId: cast.projectId };
  }

  type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

  /** The refusal left no job row, no pinned version and nothing in any BullMQ queue. */
  async function expectNothingCreated(projectId: string) {
    expect(await h.db.sql`select id from jobs where project_id = ${projectId}`).toHaveLength(0);
    expect(await h.db.sql`select id from doc_versions where project_id = ${projectId}`).toHaveLength(0);
    await h.dispatched();
    for (const name of Object.values(QUEUE_NAMES)) {
      const queue = new Queue(name, { connection: h.redis.duplicate(), prefix: h.prefix });
      try {
        const counts = await queue.getJobCounts();
        expect(
          Object.values(counts).reduce((a, b) => a + b, 0),
          name,
        ).toBe(0);
      } finally {
        await queue.close();
      }
    }
  }

  it('a 2-hour scene is a 422 naming the scene and the limit', async () => {
    const { res, projectId } = await submitDocument(
      documentOf([{ durationSec: 5 }, { heading: 'INT. LOBBY - DAY', durationSec: 7200 }]),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('unprocessable');
    expect(body.error.message).toBe(
      `Scene 2 (INT. LOBBY - DAY) lasts 7200 s; the longest scene we render is ${MAX_SCENE_DURATION_SEC} s. Shorten it or split it into scenes.`,
    );
    expect(body.error.details).toMatchObject({
      scene: 2,
      sceneId: 's1',
      limit: MAX_SCENE_DURATION_SEC,
      actual: 7200,
    });
    await expectNothingCreated(projectId);
  });

  it('a short scene whose dialogue would take over 10 minutes to speak is refused by the same timing rules', async () => {
    // Four lines of 400 words: at 2.5 words a second, 640 s of speech in a scene that asks for 5 s.
    const text = Array.from({ length: 40 }, () => 'one two three four five six seven eight nine ten').join(
      ' ',
    );
    const dialogue = Array.from({ length: 4 }, () => ({ character: 'JUDGE', text }));
    const { res, projectId } = await submitDocument(
      documentOf([{ heading: 'INT. COURT - DAY', durationSec: 5, dialogue }]),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.message).toMatch(
      /^Scene 1 \(INT\. COURT - DAY\) needs about 10 min \d+ s on screen to speak its dialogue; the longest scene we render is 10 min\./,
    );
    expect(body.error.details).toMatchObject({ scene: 1, limit: MAX_SCENE_DURATION_SEC });
    expect(body.error.details!.actual as number).toBeGreaterThan(640);
    await expectNothingCreated(projectId);
  });

  it('a film past an hour is refused, naming the limit and its longest scene', async () => {
    // Seven 9-minute scenes and one of 10: 73 minutes less 3.5 s of crossfades.
    const scenes = Array.from({ length: 8 }, (_, i) => ({ durationSec: i === 5 ? 600 : 540 }));
    const { res, projectId } = await submitDocument(documentOf(scenes));
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.message).toBe(
      'The film would run about 1 h 13 min; one render makes at most 1 h. Its longest scene is Scene 6 (INT. ROOM 5 - DAY) at 10 min: shorten scenes or split the story into several projects.',
    );
    expect(body.error.details).toMatchObject({ scene: 6, limit: MAX_RENDER_DURATION_SEC });
    await expectNothingCreated(projectId);
  });

  it('more scenes than one render takes is refused with the count and the limit', async () => {
    const scenes = Array.from({ length: MAX_RENDER_SCENES + 1 }, () => ({ durationSec: 2 }));
    const { res, projectId } = await submitDocument(documentOf(scenes));
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.message).toMatch(
      new RegExp(
        `^The storyboard has ${MAX_RENDER_SCENES + 1} scenes; one render takes at most ${MAX_RENDER_SCENES}\\.`,
      ),
    );
    expect(body.error.details).toEqual({ limit: MAX_RENDER_SCENES, actual: MAX_RENDER_SCENES + 1 });
    await expectNothingCreated(projectId);
  });

  it("an unsupported aspect ratio in the project's settings is a 422 naming the setting", async () => {
    const { res, projectId } = await submitDocument(
      documentOf([{ durationSec: 2 }], { aspectRatio: '21:9' }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.message).toMatch(/^Project settings are invalid: aspectRatio .*"16:9"/);
    await expectNothingCreated(projectId);
  });

  it('a scene with no text is rendered as a silent shot, and the submission says so', async () => {
    const { res, projectId } = await submitDocument(
      documentOf([{ heading: '', durationSec: 3 }, { durationSec: 2 }]),
      { preset: { resolution: '480p' } },
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job: { id: string }; warnings: string[] };
    expect(body.warnings).toEqual(['Scene 1 has no text: it renders as a silent 3 s shot.']);
    const [row] = await h.db.sql<
      { warnings: string[] }[]
    >`select warnings from jobs where project_id = ${projectId}`;
    expect(row!.warnings).toEqual(body.warnings);
  });
});
