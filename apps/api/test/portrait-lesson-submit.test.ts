import { seedLesson } from '@clapboard/server/testing';
import { estimatePlan, planNodes, portraitLessonPlan } from '@clapboard/shared/job-plan';
import { estimateLessonSeconds } from '@clapboard/shared/lessons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createProject, registerUser, type TestUser } from './fixtures';
import { createHarness, type Harness } from './harness';

const PORTRAIT = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';

describe('submitting portrait.lesson', () => {
  let h: Harness;
  let owner: TestUser;
  let projectId: string;

  const submit = (params: Record<string, unknown>) =>
    h.app.request(`/api/v1/projects/${projectId}/jobs`, {
      method: 'POST',
      headers: auth(owner.token),
      body: JSON.stringify({ type: 'portrait.lesson', params }),
    });
  const counts = async () =>
    (
      await h.db.sql<{ jobs: number; versions: number }[]>`
        select (select count(*)::int from jobs) as jobs, (select count(*)::int from doc_versions) as versions`
    )[0]!;
  const seed = (narration = 'Leave at once when the alarm sounds.') =>
    seedLesson(h.db.sql, h.deps.blobStore, {
      projectId,
      userId: owner.id,
      portrait: PORTRAIT,
      sections: [
        { title: 'Alarm', narration, slide: null },
        { title: 'Notes', narration: '', slide: { title: 'Notes', bullets: [] } },
      ],
    });

  beforeAll(async () => {
    h = await createHarness();
    owner = await registerUser(h, 'owner');
    projectId = (await createProject(h, owner, 'Lessons')).id;
  });
  afterAll(async () => {
    await h.close();
  });

  it('a ready lesson: 202, the document pinned, the plan check → voice → animate → assemble', async () => {
    const lesson = await seed();
    const res = await submit({ lessonId: lesson.lessonId, mode: 'final' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { job: { id: string; versionId: string | null }; warnings: string[] };
    expect(body.job.versionId).toBeTruthy();
    expect(body.warnings.join(' ')).toMatch(/1 section has no narration/);
    // Planned from the pinned narration: its four steps, priced by the catalog's work models.
    const filmSec = estimateLessonSeconds({
      sections: [{ narration: 'Leave at once when the alarm sounds.' }],
    });
    const plan = portraitLessonPlan('final', filmSec);
    expect(planNodes(plan).map((n) => n.step)).toEqual(['check', 'voice', 'animate', 'assemble']);
    const [job] = await h.db.sql<{ estimate: { seconds: number; steps: Array<{ step: string }> } }[]>`
      select estimate from jobs where id = ${body.job.id}`;
    expect(job!.estimate.steps.map((x) => x.step)).toEqual(['check', 'voice', 'animate', 'assemble']);
    expect(job!.estimate.seconds).toBeCloseTo(estimatePlan('portrait.lesson', plan).seconds, 2);
  });

  it('a revoked consent is a 409 naming it, and nothing is written', async () => {
    const lesson = await seed();
    const revoke = await h.app.request(`/api/v1/consents/${lesson.consentId}`, {
      method: 'DELETE',
      headers: auth(owner.token),
    });
    expect(revoke.status).toBe(200);
    const before = await counts();
    const res = await submit({ lessonId: lesson.lessonId, mode: 'preview' });
    expect(res.status).toBe(409);
    const err = (await res.json()) as {
      error: { code: string; message: string; details: { field: string } };
    };
    expect(err.error.message).toMatch(/consent was revoked/);
    expect(err.error.details.field).toBe('portraitConsentId');
    expect(await counts()).toEqual(before);
  });

  it('no narration is a 409; a missing lesson id a 400', async () => {
    const lesson = await seed('   ');
    const res = await submit({ lessonId: lesson.lessonId, mode: 'final' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no narration/);
    expect((await submit({ mode: 'final' })).status).toBe(400);
  });
});
