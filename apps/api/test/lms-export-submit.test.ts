import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertLessonRender, type LessonMedia, makeLessonMedia } from '@clapboard/server/testing';
import { JOB_CATALOG } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

const quiz = {
  passPercent: 80,
  questions: [{ id: 'q1', prompt: 'Ready?', choices: ['Yes', 'No'], answer: 0 }],
};

describe('submitting export.lms', () => {
  let h: Harness;
  let owner: TestUser;
  let projectId: string;
  let otherProject: string;
  let media: LessonMedia;
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-lms-submit-'));

  const render = (extra: Partial<Parameters<typeof insertLessonRender>[2]> = {}) =>
    insertLessonRender(h.db.sql, h.deps.blobStore, {
      projectId,
      userId: owner.id,
      files: media,
      videoDurationSec: media.durationSec,
      chapters: media.chapters,
      ...extra,
    });
  const submit = (params: Record<string, unknown>, project = projectId) =>
    h.app.request(`/api/v1/projects/${project}/jobs`, {
      method: 'POST',
      headers: auth(owner.token),
      body: JSON.stringify({ type: 'export.lms', params }),
    });
  const jobCount = async () =>
    Number((await h.db.sql<{ n: string }[]>`select count(*) as n from jobs`)[0]!.n);

  beforeAll(async () => {
    h = await createHarness();
    owner = await registerUser(h, 'owner');
    projectId = (await createProject(h, owner, 'Lessons')).id;
    otherProject = (await createProject(h, owner, 'Elsewhere')).id;
    media = makeLessonMedia(dir, 3);
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a finished final render: 202, the job pins the render’s version and plans one package step by video length', async () => {
    const r = await render({ content: { quiz } });
    const res = await submit({ lessonJobId: r.jobId, format: 'scorm2004' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as {
      job: { versionId: string; params: Record<string, unknown>; estimatedSec: number; type: string };
      warnings: string[];
    };
    expect(body.job.type).toBe('export.lms');
    expect(body.job.versionId).toBe(r.versionId);
    expect(body.job.params).toEqual({
      lessonJobId: r.jobId,
      format: 'scorm2004',
      completionPercent: 90,
      includeQuiz: true,
    });
    const w = JOB_CATALOG['export.lms'].work.package!;
    expect(body.job.estimatedSec).toBeCloseTo(w.baseSec + w.secPerUnit * media.durationSec, 3);
    expect(body.warnings).toEqual([]);
  });

  it('asking for the quiz of a lesson without one says so in a warning', async () => {
    const r = await render();
    const res = await submit({ lessonJobId: r.jobId, format: 'cmi5', includeQuiz: true });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { warnings: string[] }).warnings[0]).toMatch(/no quiz/);
  });

  it('refuses what cannot be exported, with a reason, and writes nothing', async () => {
    const before = await jobCount();
    const preview = await render({ mode: 'preview' });
    const running = await render({ status: 'queued' });
    const failed = await render({ status: 'failed' });
    const deleted = await render();
    await h.db.sql`update lessons set deleted_at = now() where id = ${deleted.lessonId}`;
    const elsewhere = await insertLessonRender(h.db.sql, h.deps.blobStore, {
      projectId: otherProject,
      userId: owner.id,
      files: media,
      videoDurationSec: media.durationSec,
    });
    const [notALesson] = await h.db.sql<
      { id: string }[]
    >`select id from jobs where type = 'export.lms' limit 1`;
    const cases: Array<[Record<string, unknown>, number, RegExp]> = [
      [{ lessonJobId: preview.jobId, format: 'scorm12' }, 422, /preview render/],
      [{ lessonJobId: running.jobId, format: 'scorm12' }, 409, /queued/],
      [{ lessonJobId: failed.jobId, format: 'scorm12' }, 409, /failed/],
      [{ lessonJobId: deleted.jobId, format: 'scorm12' }, 422, /deleted/],
      [
        { lessonJobId: elsewhere.jobId, format: 'scorm12' },
        422,
        /no lesson render with that id in this project/,
      ],
      [{ lessonJobId: notALesson!.id, format: 'scorm12' }, 422, /export\.lms job, not a lesson render/],
      [{ lessonJobId: crypto.randomUUID(), format: 'scorm12' }, 422, /no lesson render/],
      [{ lessonJobId: preview.jobId, format: 'aicc' }, 400, /Invalid parameters/],
      [{ lessonJobId: preview.jobId, format: 'cmi5', completionPercent: 5 }, 400, /Invalid parameters/],
    ];
    const after = await jobCount();
    for (const [params, status, message] of cases) {
      const res = await submit(params);
      const body = (await res.json()) as { error: { message: string } };
      expect({ params, status: res.status }).toEqual({ params, status });
      expect(body.error.message).toMatch(message);
    }
    // The renders above are fixture rows; not one export was added by the refused submissions.
    expect(await jobCount()).toBe(after);
    expect(after).toBeGreaterThan(before);
  });
});
