import { sampleLectureAnalysis, seedLectureAnalysis, seedLectureClips } from '@clapboard/server/testing';
import type { Asset } from '@clapboard/shared/api';
import {
  type Lecture,
  type LectureClipsResponse,
  type RankedCandidatesResponse,
  rankedCandidatesResponseSchema,
  type Transcript,
} from '@clapboard/shared/highlights';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addMember, auth, createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';
import { type MediaFiles, makeMediaFiles } from './media-files';
import { listenToProject } from './project-events';
import { changeDocument } from './review-fixtures';

describe('lectures API', () => {
  let h: Harness;
  let media: MediaFiles;
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let projectId: string;
  let otherProjectId: string;
  let video: Asset;
  let audio: Asset;
  const sample = sampleLectureAnalysis(20);

  beforeAll(async () => {
    h = await createHarness();
    media = await makeMediaFiles();
    owner = await registerUser(h, 'owner');
    viewer = await registerUser(h, 'viewer');
    stranger = await registerUser(h, 'stranger');
    projectId = (await createProject(h, owner, 'Course')).id;
    otherProjectId = (await createProject(h, stranger, 'Elsewhere')).id;
    await addMember(h, projectId, owner, viewer, 'viewer');
    video = (await (await upload(h, owner.token, projectId, media.mp4, 'talk.mp4')).json()) as Asset;
    audio = (await (await upload(h, owner.token, projectId, media.wav, 'talk.wav')).json()) as Asset;
  });
  afterAll(async () => {
    media.cleanup();
    await h.close();
  });

  const call = (user: TestUser, path: string, init: { method?: string; json?: unknown } = {}) =>
    h.app.request(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: auth(user.token),
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  async function createLecture(title = 'Heat, briefly'): Promise<Lecture> {
    const res = await call(owner, `/projects/${projectId}/lectures`, {
      method: 'POST',
      json: { title, assetId: video.id },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Lecture;
  }

  it('creates a lecture from a video of the project, audited and broadcast', async () => {
    const events = await listenToProject(h, projectId, [
      'lecture:created',
      'lecture:updated',
      'lecture:deleted',
    ]);
    try {
      const lecture = await createLecture('  Heat, briefly  ');
      expect(lecture).toMatchObject({
        projectId,
        title: 'Heat, briefly',
        assetId: video.id,
        analysisJobId: null,
        createdBy: owner.id,
      });
      expect(lecture.durationSec).toBeCloseTo(1, 1);
      await events.waitFor(
        'lecture:created',
        (e) => (e.payload as { lecture: Lecture }).lecture.id === lecture.id,
      );
      const renamed = await call(owner, `/lectures/${lecture.id}`, {
        method: 'PATCH',
        json: { title: 'Heat' },
      });
      expect(renamed.status).toBe(200);
      expect(((await renamed.json()) as Lecture).title).toBe('Heat');
      await events.waitFor(
        'lecture:updated',
        (e) => (e.payload as { lecture: Lecture }).lecture.title === 'Heat',
      );
      expect((await call(owner, `/lectures/${lecture.id}`, { method: 'DELETE' })).status).toBe(204);
      await events.waitFor(
        'lecture:deleted',
        (e) => (e.payload as { lecture: Lecture }).lecture.id === lecture.id,
      );
      expect((await call(owner, `/lectures/${lecture.id}`)).status).toBe(404);
      // Soft delete: the row and the video stay, the audit trail has every step.
      const audit = await h.db.sql<{ action: string }[]>`
        select action from audit_log where target_id = ${lecture.id} order by created_at, id`;
      expect(audit.map((a) => a.action)).toEqual(['lecture.create', 'lecture.rename', 'lecture.delete']);
      expect((await call(owner, `/assets/${video.id}`)).status).toBe(200);
    } finally {
      await events.close();
    }
  });

  it('refuses what is not a live video of this project, within the limits (422), and bad bodies (400)', async () => {
    const post = (json: unknown, user = owner, project = projectId) =>
      call(user, `/projects/${project}/lectures`, { method: 'POST', json });
    const audioRes = await post({ title: 'Audio', assetId: audio.id });
    expect(audioRes.status).toBe(422);
    expect(((await audioRes.json()) as { error: { message: string } }).error.message).toMatch(/audio/);
    const foreign = (await (
      await upload(h, stranger.token, otherProjectId, media.mp4, 'x.mp4')
    ).json()) as Asset;
    expect((await post({ title: 'Theirs', assetId: foreign.id })).status).toBe(422);
    expect((await post({ title: 'Nothing', assetId: crypto.randomUUID() })).status).toBe(422);
    await h.db.sql`update assets set duration_sec = ${4 * 3600} where id = ${video.id}`;
    try {
      expect((await post({ title: 'Too long', assetId: video.id })).status).toBe(422);
    } finally {
      await h.db.sql`update assets set duration_sec = 1 where id = ${video.id}`;
    }
    expect((await post({ title: '   ', assetId: video.id })).status).toBe(400);
    expect((await post({ title: 'x'.repeat(201), assetId: video.id })).status).toBe(400);
    expect((await post({ title: 'No asset' })).status).toBe(400);
    expect((await post({ title: 'Bad id', assetId: 'nope' })).status).toBe(400);
    expect((await post({ title: 'Viewer', assetId: video.id }, viewer)).status).toBe(403);
    expect((await post({ title: 'Stranger', assetId: video.id }, stranger)).status).toBe(404);
    expect((await call(owner, '/lectures/not-a-uuid')).status).toBe(400);
  });

  it('lists lectures newest first with a keyset cursor', async () => {
    const made = [await createLecture('L1'), await createLecture('L2'), await createLecture('L3')];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await call(
        owner,
        `/projects/${projectId}/lectures?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Lecture[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((l) => l.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual(made.map((l) => l.id).reverse());
    expect(new Set(seen).size).toBe(seen.length);
    expect((await call(viewer, `/projects/${projectId}/lectures`)).status).toBe(200);
    expect((await call(stranger, `/projects/${projectId}/lectures`)).status).toBe(404);
    expect((await call(owner, `/projects/${projectId}/lectures?limit=0`)).status).toBe(400);
  });

  it('says clearly that there is no analysis yet (404) for every result', async () => {
    const lecture = await createLecture('Fresh');
    for (const path of [
      'transcript',
      'transcript.srt',
      'transcript.vtt',
      'speech',
      'layout',
      'topics',
      'candidates',
    ]) {
      const res = await call(owner, `/lectures/${lecture.id}/${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /no completed analysis/,
      );
    }
    const clips = await call(owner, `/lectures/${lecture.id}/clips`);
    expect(clips.status).toBe(200);
    expect(((await clips.json()) as LectureClipsResponse).items).toEqual([]);
  });

  it("serves the newest completed analysis' results, and ranks candidates with the team's weights", async () => {
    const lecture = await createLecture('Analysed');
    // An older analysis with other candidates, then the newest one: the newest wins.
    await seedLectureAnalysis(h.db.sql, h.deps.blobStore, {
      projectId,
      lectureId: lecture.id,
      userId: owner.id,
      results: { candidates: { ...sample.candidates, candidates: sample.candidates.candidates.slice(0, 1) } },
    });
    const { jobId } = await seedLectureAnalysis(h.db.sql, h.deps.blobStore, {
      projectId,
      lectureId: lecture.id,
      userId: owner.id,
      results: sample,
    });
    expect(((await (await call(owner, `/lectures/${lecture.id}`)).json()) as Lecture).analysisJobId).toBe(
      jobId,
    );

    const transcript = (await (
      await call(viewer, `/lectures/${lecture.id}/transcript`)
    ).json()) as Transcript;
    expect(transcript.sentences.map((s) => s.text)).toEqual(sample.transcript.sentences.map((s) => s.text));
    expect(transcript.words[0]).toMatchObject({ word: 'Welcome', startSec: 0.5 });
    const vtt = await call(viewer, `/lectures/${lecture.id}/transcript?format=vtt`);
    expect(vtt.headers.get('content-type')).toMatch(/^text\/vtt/);
    expect(await vtt.text()).toBe(sample.vtt);
    const srt = await call(viewer, `/lectures/${lecture.id}/transcript.srt`);
    expect(srt.headers.get('content-disposition')).toBe('attachment; filename="Analysed.srt"');
    expect(await srt.text()).toBe(sample.srt);
    expect((await call(viewer, `/lectures/${lecture.id}/transcript?format=pdf`)).status).toBe(400);
    expect(await (await call(viewer, `/lectures/${lecture.id}/speech`)).json()).toEqual(sample.speech);
    expect(await (await call(viewer, `/lectures/${lecture.id}/layout`)).json()).toEqual(sample.layout);
    expect(await (await call(viewer, `/lectures/${lecture.id}/topics`)).json()).toEqual(sample.topics);

    const ranked = async () => {
      const res = await call(viewer, `/lectures/${lecture.id}/candidates`);
      expect(res.status).toBe(200);
      return rankedCandidatesResponseSchema.parse(await res.json()) as RankedCandidatesResponse;
    };
    const before = await ranked();
    expect(before.source.jobId).toBe(jobId);
    expect(before.weights.cue).toBe(0.25);
    expect(before.items.map((i) => i.candidate.id)).toEqual(['c-keyidea', 'c-summary', 'c-question']);
    const top = before.items[0]!;
    expect(top.contributions.reduce((s, c) => s + c.points, 0)).toBeCloseTo(top.score, 0);
    // A member moves the weights in the project document: the API ranks with them at once.
    await changeDocument(h.db.sql, projectId, (doc) => {
      const steering = new Y.Map<unknown>();
      const weights = new Y.Map<number>();
      steering.set('weights', weights);
      steering.set('picks', new Y.Map());
      doc.getMap('highlights').set(lecture.id, steering);
      weights.set('cue', 1);
      weights.set('keyphrase', 0);
    });
    const after = await ranked();
    expect(after.weights).toMatchObject({ cue: 1, keyphrase: 0, emphasis: 0.15 });
    expect(after.items.map((i) => i.candidate.id)).toEqual(['c-summary', 'c-question', 'c-keyidea']);
    expect((await call(stranger, `/lectures/${lecture.id}/candidates`)).status).toBe(404);
  });

  it('lists rendered clips with signed download links that serve the bytes', async () => {
    const lecture = await createLecture('Clipped');
    const { jobId } = await seedLectureAnalysis(h.db.sql, h.deps.blobStore, {
      projectId,
      lectureId: lecture.id,
      userId: owner.id,
      results: { candidates: sample.candidates },
    });
    const clip = (await (await upload(h, owner.token, projectId, media.mp4, 'clip.mp4')).json()) as Asset;
    const clipsJob = await seedLectureClips(h.db.sql, {
      projectId,
      lectureId: lecture.id,
      analysisJobId: jobId,
      userId: owner.id,
      clips: [{ candidateId: 'c-summary', startSec: 12.5, endSec: 15.7 }],
      outputs: [
        { name: 'clip-c-summary-9x16', assetId: clip.id },
        { name: 'note', value: 'no asset' },
      ],
    });
    const res = await call(viewer, `/lectures/${lecture.id}/clips`);
    const body = (await res.json()) as LectureClipsResponse;
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ jobId: clipsJob, params: { layout: 'speaker' } });
    expect(body.items[0]!.outputs.map((o) => o.name)).toEqual(['clip-c-summary-9x16']);
    const download = await h.app.request(
      body.items[0]!.outputs[0]!.asset.urls.content.replace('http://localhost:8787', ''),
    );
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(media.mp4);
  });
});
