/**
 * The web parses every answer it reads with the shared schema of the route (apps/web
 * lib/api-client.ts): an answer the API sends that its own schema refuses would break a page. This
 * walks the routes the web reads, as a signed-in owner against real Postgres and Redis, and parses
 * each answer with the schema the web uses, so a drift between a route and its schema fails here.
 */
import {
  assetPageSchema,
  assetSchema,
  authOptionsSchema,
  budgetResponseSchema,
  memberListSchema,
  memberSchema,
  meResponseSchema,
  noContentSchema,
  projectPageSchema,
  projectSchema,
} from '@clapboard/shared/api';
import {
  jobActionResponseSchema,
  jobDetailSchema,
  jobPageSchema,
  jobTypesResponseSchema,
  jobUpdatedResponseSchema,
  submittedJobSchema,
} from '@clapboard/shared/jobs';
import { consentPageSchema, consentSchema, lessonPageSchema, lessonSchema } from '@clapboard/shared/lessons';
import { modelsResponseSchema } from '@clapboard/shared/models';
import {
  commentListSchema,
  commentResponseSchema,
  notificationsPageSchema,
  notificationsReadResponseSchema,
  reviewSummarySchema,
} from '@clapboard/shared/review';
import { ticketResponseSchema } from '@clapboard/shared/tickets';
import { versionCreatedSchema, versionListSchema } from '@clapboard/shared/versions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { auth, createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';
import { type MediaFiles, makeMediaFiles } from './media-files';

let h: Harness;
let owner: TestUser;
let member: TestUser;
let projectId: string;
let media: MediaFiles;

beforeAll(async () => {
  h = await createHarness();
  media = await makeMediaFiles();
  owner = await registerUser(h, 'shapes-owner');
  member = await registerUser(h, 'shapes-member');
  projectId = (await createProject(h, owner, 'Shapes')).id;
});
afterAll(async () => {
  media?.cleanup();
  await h?.close();
});

/** Sends as the owner, expects 2xx, and returns the body parsed with `schema` (issues listed on failure). */
async function read<S extends z.ZodType>(
  method: string,
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.infer<S>> {
  const res = await h.app.request(`/api/v1${path}`, {
    method,
    headers: auth(owner.token),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  const parsed = schema.safeParse(res.status === 204 ? undefined : JSON.parse(text));
  if (!parsed.success) expect.fail(`${method} ${path}: ${JSON.stringify(parsed.error.issues)}`);
  return parsed.data;
}

describe('answers the web reads parse with their shared schemas', () => {
  it('account, projects, members, budget, tickets', async () => {
    expect((await read('GET', '/me', meResponseSchema)).user.id).toBe(owner.id);
    expect((await read('GET', '/auth/options', authOptionsSchema)).passwordReset).toBeTruthy();
    const page = await read('GET', '/projects?limit=50', projectPageSchema);
    expect(page.items.map((p) => p.id)).toContain(projectId);
    await read('GET', `/projects/${projectId}`, projectSchema);
    await read('PATCH', `/projects/${projectId}`, projectSchema, { settings: { fps: 25 } });
    const added = await read('POST', `/projects/${projectId}/members`, memberSchema, {
      email: member.email,
      role: 'reviewer',
    });
    await read('PATCH', `/projects/${projectId}/members/${added.userId}`, memberSchema, { role: 'editor' });
    expect((await read('GET', `/projects/${projectId}/members`, memberListSchema)).items).toHaveLength(2);
    await read('DELETE', `/projects/${projectId}/members/${added.userId}`, noContentSchema);
    await read('GET', `/projects/${projectId}/budget`, budgetResponseSchema);
    const budget = await read('PUT', `/projects/${projectId}/budget`, budgetResponseSchema, {
      softLimitUsd: 5,
      hardLimitUsd: 10,
    });
    expect(budget.hardLimitUsd).toBe(10);
    await read('POST', '/realtime/tickets', ticketResponseSchema, { projectId });
  });

  it('assets, jobs, job types and models', async () => {
    const res = await upload(h, owner.token, projectId, media.png, 'frame.png');
    expect(res.status).toBe(201);
    const asset = assetSchema.parse(await res.json());
    await read('GET', `/assets/${asset.id}`, assetSchema);
    expect(
      (await read('GET', `/projects/${projectId}/assets?limit=100`, assetPageSchema)).items,
    ).toHaveLength(1);

    const submitted = await read('POST', `/projects/${projectId}/jobs`, submittedJobSchema, {
      type: 'assets.derive',
      params: { assetId: asset.id },
    });
    const jobId = submitted.job.id;
    await read('PATCH', `/jobs/${jobId}`, jobUpdatedResponseSchema, { priority: 3 });
    const detail = await read('GET', `/jobs/${jobId}`, jobDetailSchema);
    expect(detail.id).toBe(jobId);
    await read('GET', `/projects/${projectId}/jobs?limit=20`, jobPageSchema);
    await read('GET', '/jobs?limit=25', jobPageSchema);
    await read('POST', `/jobs/${jobId}/cancel`, jobActionResponseSchema);
    expect((await read('GET', '/job-types', jobTypesResponseSchema)).items.length).toBeGreaterThan(0);
    await read('GET', '/models', modelsResponseSchema);
  });

  it('comments, review, notifications, versions, lessons and consents', async () => {
    const { comment } = await read('POST', `/projects/${projectId}/comments`, commentResponseSchema, {
      body: 'Tighter here',
    });
    await read('PATCH', `/comments/${comment.id}`, commentResponseSchema, { resolved: true });
    expect((await read('GET', `/projects/${projectId}/comments`, commentListSchema)).items).toHaveLength(1);
    await read('DELETE', `/comments/${comment.id}`, noContentSchema);
    await read('GET', `/projects/${projectId}/review`, reviewSummarySchema);
    await read('GET', '/notifications', notificationsPageSchema);
    await read('POST', '/notifications/read', notificationsReadResponseSchema, { all: true });

    await read('POST', `/projects/${projectId}/versions`, versionCreatedSchema, { name: 'cut 1' });
    expect(
      (await read('GET', `/projects/${projectId}/versions`, versionListSchema)).items.length,
    ).toBeGreaterThan(0);

    const lesson = await read('POST', `/projects/${projectId}/lessons`, lessonSchema, { title: 'Intro' });
    await read('PATCH', `/lessons/${lesson.id}`, lessonSchema, { title: 'Intro, again' });
    await read('GET', `/projects/${projectId}/lessons?limit=50`, lessonPageSchema);
    await read('DELETE', `/lessons/${lesson.id}`, noContentSchema);

    const res = await upload(h, owner.token, projectId, media.jpeg, 'face.jpg');
    const portrait = assetSchema.parse(await res.json());
    const consent = await read('POST', `/projects/${projectId}/consents`, consentSchema, {
      kind: 'portrait',
      subjectName: 'Ada',
      assetId: portrait.id,
      scope: 'This course',
      statementText: 'I agree that my portrait is used in this course.',
    });
    await read('GET', `/projects/${projectId}/consents?limit=100`, consentPageSchema);
    await read('GET', `/consents/${consent.id}`, consentSchema);
    await read('DELETE', `/consents/${consent.id}`, consentSchema);
  });
});
