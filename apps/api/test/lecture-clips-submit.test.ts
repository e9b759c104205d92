import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobStore } from '@clapboard/server/jobs';
import { sampleLectureAnalysis, seedLectureAnalysis } from '@clapboard/server/testing';
import type { Asset } from '@clapboard/shared/api';
import type { Lecture } from '@clapboard/shared/highlights';
import { JOB_CATALOG } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';

describe('submitting highlights.clips', () => {
  let h: Harness;
  let owner: TestUser;
  let projectId: string;
  let otherProjectId: string;
  let video: Asset;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-clips-submit-'));

  const call = (path: string, json?: unknown, method = json === undefined ? 'GET' : 'POST') =>
    h.app.request(`/api/v1${path}`, {
      method,
      headers: auth(owner.token),
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  const submit = (params: Record<string, unknown>, project = projectId) =>
    call(`/projects/${project}/jobs`, { type: 'highlights.clips', params });
  const createLecture = async (project = projectId, assetId = video.id) => {
    const res = await call(`/projects/${project}/lectures`, { title: 'Heat', assetId });
    expect(res.status).toBe(201);
    return (await res.json()) as Lecture;
  };
  const analyse = async (lecture: Lecture, project = projectId) =>
    (
      await seedLectureAnalysis(h.db.sql, h.deps.blobStore, {
        projectId: project,
        lectureId: lecture.id,
        userId: owner.id,
        results: sampleLectureAnalysis(20),
      })
    ).jobId;
  const clip = (startSec: number, endSec: number) => ({ candidateId: 'c-keyidea', startSec, endSec });
  const jobCount = async () =>
    Number(
      (await h.db.sql<{ n: string }[]>`select count(*) as n from jobs where type = 'highlights.clips'`)[0]!.n,
    );

  beforeAll(async () => {
    h = await createHarness();
    owner = await registerUser(h, 'owner');
    projectId = (await createProject(h, owner, 'Course')).id;
    otherProjectId = (await createProject(h, owner, 'Elsewhere')).id;
    // A real 20 s lecture video (tiny picture), uploaded and probed as users do.
    const file = join(dir, 'lecture.mp4');
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=10:d=20'],
      ...['-f', 'lavfi', '-i', 'sine=f=440:d=20', '-c:v', 'libx264', '-preset', 'ultrafast'],
      ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', file],
    ]);
    const res = await upload(h, owner.token, projectId, readFileSync(file), 'lecture.mp4');
    expect(res.status).toBe(201);
    video = (await res.json()) as Asset;
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a completed analysis of the lecture: 202, per clip a prepare and an encode step weighted by clip seconds × aspects', async () => {
    const lecture = await createLecture();
    const analysisJobId = await analyse(lecture);
    const res = await submit({
      lectureId: lecture.id,
      analysisJobId,
      clips: [clip(4.5, 11.7), clip(12, 19.5)],
      aspects: ['9:16', '16:9'],
      layout: 'split',
    });
    expect(res.status).toBe(202);
    const { job } = (await res.json()) as {
      job: { id: string; type: string; params: Record<string, unknown>; estimatedSec: number };
    };
    expect(job.type).toBe('highlights.clips');
    expect(job.params).toMatchObject({
      lectureId: lecture.id,
      analysisJobId,
      burnCaptions: true,
      layout: 'split',
    });
    const w = JOB_CATALOG['highlights.clips'].work;
    const expected = (sec: number) =>
      w.prepare!.baseSec + w.prepare!.secPerUnit * sec + w.encode!.baseSec + w.encode!.secPerUnit * 2 * sec;
    expect(job.estimatedSec).toBeCloseTo(expected(7.2) + expected(7.5), 2);
    const [row] = await h.db.sql<{ estimate: { steps: Array<{ step: string; units: number }> } }[]>`
      select estimate from jobs where id = ${job.id}`;
    expect(row!.estimate.steps.map((s) => [s.step, s.units])).toEqual([
      ['clip-1/prepare', 7.2],
      ['clip-1/encode', 14.4],
      ['clip-2/prepare', 7.5],
      ['clip-2/encode', 15],
    ]);
  });

  it('refuses what cannot be cut, with a reason a person can act on, and writes nothing', async () => {
    const lecture = await createLecture();
    const analysisJobId = await analyse(lecture);
    const otherLecture = await createLecture();
    const othersAnalysis = await analyse(otherLecture);
    const deleted = await createLecture();
    const deletedAnalysis = await analyse(deleted);
    await h.db.sql`update lectures set deleted_at = now() where id = ${deleted.id}`;
    const running = await jobStore.insertJob(h.db.sql, {
      projectId,
      userId: owner.id,
      type: 'highlights.extract',
      params: { lectureId: lecture.id },
      priority: 5,
      estimate: { seconds: 1, usd: 0, steps: [] },
    });
    const failed = await jobStore.insertJob(h.db.sql, {
      projectId,
      userId: owner.id,
      type: 'highlights.extract',
      params: { lectureId: lecture.id },
      priority: 5,
      estimate: { seconds: 1, usd: 0, steps: [] },
    });
    await jobStore.endJob(h.db.sql, failed.id, { status: 'failed', error: 'boom', outputs: [] });
    const [notAnalysis] = await h.db.sql<
      { id: string }[]
    >`select id from jobs where type = 'highlights.clips' limit 1`;
    const base = { lectureId: lecture.id, analysisJobId, clips: [clip(4.5, 11.7)] };
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ ...base, analysisJobId: running.id }, 409, /still queued/],
      [{ ...base, analysisJobId: failed.id }, 409, /analysis failed; run it again/],
      [{ ...base, analysisJobId: othersAnalysis }, 422, /analysis of another lecture/],
      [{ ...base, analysisJobId: notAnalysis!.id }, 422, /highlights\.clips job, not a lecture analysis/],
      [{ ...base, analysisJobId: crypto.randomUUID() }, 422, /not name a job of this project/],
      [{ ...base, lectureId: deleted.id, analysisJobId: deletedAnalysis }, 422, /may have been deleted/],
      [{ ...base, clips: [clip(15, 22)] }, 400, /Clip 1 ends at 22 s, after the lecture ends/],
      [{ ...base, clips: [clip(4, 6)] }, 400, /Invalid parameters/],
      [{ ...base, clips: [clip(0, 200)] }, 400, /Invalid parameters/],
      [{ ...base, aspects: ['4:3'] }, 400, /Invalid parameters/],
      [{ ...base, aspects: ['9:16', '9:16'] }, 400, /Invalid parameters/],
    ];
    const before = await jobCount();
    for (const [params, status, message] of cases) {
      const res = await submit(params);
      const body = (await res.json()) as { error: { message: string; details?: unknown } };
      expect({ params, status: res.status, message: body.error.message }).toEqual({
        params,
        status,
        message: expect.stringMatching(message),
      });
    }
    // Another project's lecture reads as missing from here.
    const elsewhere = await submit(base, otherProjectId);
    expect(elsewhere.status).toBe(422);
    expect(await jobCount()).toBe(before);
  });
});
