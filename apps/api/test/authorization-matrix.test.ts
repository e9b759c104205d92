import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesStream } from '@clapboard/server/storage';
import {
  insertLessonRender,
  type LessonRenderFixture,
  makeLessonMedia,
  sampleLectureAnalysis,
  seedLectureAnalysis,
  seedLectureClips,
} from '@clapboard/server/testing';
import type { Asset } from '@clapboard/shared/api';
import { MEMBER_ROLES, ROLES, type Role } from '@clapboard/shared/roles';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { issuePasswordReset } from '../src/auth/password-resets';
import {
  auth,
  createProject,
  multipartFile,
  PASSWORD,
  registerUser,
  type TestUser,
  upload,
} from './fixtures';
import { dejaVuSans } from './font-files';
import { API_RUNTIME, createHarness, type Harness } from './harness';
import { writeScenes } from './review-fixtures';

/**
 * Who asks: a member of project A in each role (the same role on client K, whose campaign holds
 * A), the client's `guest` (A is shared with client K), a stranger (`nonMember`: owns project B
 * and client L with their objects) and no one (`anonymous`).
 */
type Actor = Role | 'nonMember' | 'anonymous';
const ACTORS: Actor[] = [...ROLES, 'nonMember', 'anonymous'];
/**
 * Expected statuses. `guest` may be left out: a guest then gets what a stranger gets where the
 * route ignores project roles (the stranger and the viewer agree), the viewer's refusal where
 * the viewer is refused (a 404 on another project stays a 404), and 403 where the viewer is let
 * in (a guest holds a role on A but none of the team's permissions).
 */
type Expect = Omit<Record<Actor, number>, 'guest'> & { guest?: number };

interface Req {
  method: string;
  path: string;
  body?: unknown;
  /** Send the body as an upload of a small PNG instead of JSON. */
  upload?: boolean;
  /** Do not send the bearer token even for signed-in actors (signed-URL routes). */
  noAuth?: boolean;
  /** Extra headers (tus), and a raw body sent as is instead of JSON. */
  headers?: Record<string, string>;
  raw?: Uint8Array;
}

interface Case {
  /** `METHOD /openapi/{path}`, checked against the OpenAPI document so no route is missed. */
  route: string;
  label: string;
  expect: Expect;
  /** Builds the request for one actor; may create fresh resources so destructive cases do not interfere. */
  request(actor: Actor): Promise<Req> | Req;
  /**
   * A route only the Node entry serves (the queue dashboard needs Node's static file serving): on
   * the edge entry it must not exist at all, for anyone (404), nor be in its OpenAPI document.
   */
  nodeOnly?: true;
}

/** Whether the harness' store takes presigned uploads: S3 on the edge run, the local folder on Node. */
const DIRECT_UPLOADS = API_RUNTIME === 'workerd';

/** What a case must answer on the runtime under test (see `Case.nodeOnly`). */
const expected = (c: Case): Record<Actor, number> => {
  if (c.nodeOnly && API_RUNTIME === 'workerd') return all(404);
  const e = c.expect;
  const guest =
    e.guest ??
    (e.nonMember === e.viewer ? e.nonMember : e.viewer === 403 || e.viewer === 404 ? e.viewer : 403);
  return { ...e, guest };
};

const all = (status: number): Record<Actor, number> => ({
  owner: status,
  editor: status,
  reviewer: status,
  viewer: status,
  guest: status,
  nonMember: status,
  anonymous: status,
});
/** Signed-in users get `member` by role, strangers 404 (no existence leak), anonymous 401. */
const byRole = (allowed: readonly Role[], ok: number): Record<Actor, number> => ({
  owner: allowed.includes('owner') ? ok : 403,
  editor: allowed.includes('editor') ? ok : 403,
  reviewer: allowed.includes('reviewer') ? ok : 403,
  viewer: allowed.includes('viewer') ? ok : 403,
  guest: allowed.includes('guest') ? ok : 403,
  nonMember: 404,
  anonymous: 401,
});
/** Every role of the team (not the client's guest). */
const EVERY_ROLE = MEMBER_ROLES;
const TUS = { 'tus-resumable': '1.0.0' };
const BRIEF = {
  title: 'Spring launch',
  product: 'Oat drink',
  audience: 'Baristas',
  keyMessage: 'Foams like milk.',
  mustSay: ['Made from oats'],
  bannedWords: ['cheap'],
  tone: 'bold',
  platforms: [],
  durations: [30],
  callToAction: 'Ask for it.',
  referenceAssetIds: [],
};

describe('authorization matrix: every route × role', () => {
  let h: Harness;
  let png: Uint8Array;
  const users = {} as Record<Exclude<Actor, 'anonymous'>, TestUser>;
  let projectA: string;
  let projectB: string;
  let projectR: string;
  let assetA: Asset;
  let assetB: Asset;
  let onlyInB: TestUser;
  let lessonA: LessonRenderFixture;
  let lessonB: LessonRenderFixture;
  let shareToken: string;
  const mediaDir = mkdtempSync(join(tmpdir(), 'clapboard-matrix-'));
  let lectureA: string;
  let lectureB: string;
  let clientK: string;
  let clientL: string;
  let campaignK: string;
  let campaignL: string;
  let kitK: string;
  let kitL: string;
  let variantA: string;
  let variantB: string;
  let variantAssetA: string;
  let ttf: Uint8Array;

  beforeAll(async () => {
    h = await createHarness({
      loginRateLimit: { perIpAccount: 1000, perIp: 1000 },
      registerRateLimit: { perIp: 1000, perEmail: 1000 },
      resumableLimits: { maxOpenPerUser: 1000 },
    });
    png = new Uint8Array(
      await sharp({ create: { width: 16, height: 16, channels: 3, background: '#123' } })
        .png()
        .toBuffer(),
    );
    for (const actor of ['owner', 'editor', 'reviewer', 'viewer', 'guest', 'nonMember'] as const)
      users[actor] = await registerUser(h, actor);
    onlyInB = await registerUser(h, 'only-b');
    // Client K: the team holds its project roles on the client too, the guest is the client's;
    // every fresh project is in K's campaign and shared with the client. Client L is the stranger's.
    clientK = await freshClient(users.owner.id, 'K');
    for (const role of ['editor', 'reviewer', 'viewer', 'guest'] as const)
      await h.db
        .sql`insert into client_members (client_id, user_id, role) values (${clientK}, ${users[role].id}, ${role})`;
    campaignK = await freshCampaign(clientK);
    clientL = await freshClient(users.nonMember.id, 'L');
    campaignL = await freshCampaign(clientL);
    kitK = await freshKit(clientK);
    kitL = await freshKit(clientL);
    projectA = await freshProject();
    assetA = await freshAsset(projectA);
    // The non-member owns project B: it exists, has an asset and a member, and A's members must not reach it.
    projectB = (await createProject(h, users.nonMember, 'B')).id;
    await h.db
      .sql`insert into project_members (project_id, user_id, role) values (${projectB}, ${onlyInB.id}, 'viewer')`;
    await h.db
      .sql`update projects set campaign_id = ${campaignL}, client_shared = true where id = ${projectB}`;
    assetB = (await (await upload(h, users.nonMember.token, projectB, png, 'b.png')).json()) as Asset;
    // A project with a scene for review routes (A's document is reset by the restore case), and a scene in B.
    projectR = await freshProject();
    await writeScenes(h.db.sql, projectR, [{ id: 's1', heading: 'INT. ROOM - DAY', dialogue: 'Hello.' }]);
    await writeScenes(h.db.sql, projectB, [{ id: 's1', heading: 'EXT. YARD - NIGHT', dialogue: 'Psst.' }]);
    // A finished lesson render in A and in B (lessons, share links, the public player).
    const media = makeLessonMedia(mediaDir, 2);
    const lessonRender = (projectId: string, userId: string) =>
      insertLessonRender(h.db.sql, h.deps.blobStore, {
        projectId,
        userId,
        files: media,
        videoDurationSec: media.durationSec,
        chapters: media.chapters,
      });
    lessonA = await lessonRender(projectA, users.owner.id);
    lessonB = await lessonRender(projectB, users.nonMember.id);
    shareToken = await freshShare(lessonA, true);
    lectureA = await analysedLecture(projectA, users.owner.id);
    lectureB = await analysedLecture(projectB, users.nonMember.id);
    variantA = await freshVariant(projectA);
    variantB = await freshVariant(projectB);
    // The variant's video is stored, so the gallery's zip can read it.
    const [va] = await h.db.sql<{ storage_key: string }[]>`
      select a.storage_key from variants v join assets a on a.id = v.video_asset_id where v.id = ${variantA}`;
    await h.deps.blobStore.put(va!.storage_key, bytesStream(new TextEncoder().encode('mp4')), {
      contentType: 'video/mp4',
    });
    variantAssetA = (
      await h.db.sql<{ id: string }[]>`select video_asset_id as id from variants where id = ${variantA}`
    )[0]!.id;
    await h.db
      .sql`update brand_kits set logo_key = ${va!.storage_key}, logo_format = 'png' where id = ${kitK}`;
    ttf = dejaVuSans();
  });
  afterAll(async () => {
    await h.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  /** A share of `render` (inserted directly); returns its token, or its id when `token` is false. */
  async function freshShare(render: LessonRenderFixture, token = false): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const [row] = await h.db.sql<{ id: string; project_id: string }[]>`
      insert into lesson_shares (project_id, lesson_id, job_id, token_sha256, expires_at)
      select l.project_id, l.id, ${render.jobId}, ${createHash('sha256').update(secret).digest()}, now() + interval '1 day'
      from lessons l where l.id = ${render.lessonId}
      returning id, project_id`;
    return token ? secret : row!.id;
  }

  /** A project owned by `owner` with editor, reviewer and viewer members (inserted directly for speed). */
  /** A small Fountain file as a multipart upload to `path`. */
  function scriptFile(path: string): Req {
    const form = multipartFile(new TextEncoder().encode('INT. ROOM - DAY\nBOB\nHi.\n'), 's.fountain');
    return { method: 'POST', path, headers: form.headers, raw: form.body };
  }
  async function freshProject(): Promise<string> {
    const id = (await createProject(h, users.owner, 'A')).id;
    for (const role of ['editor', 'reviewer', 'viewer'] as const)
      await h.db
        .sql`insert into project_members (project_id, user_id, role) values (${id}, ${users[role].id}, ${role})`;
    await h.db.sql`update projects set campaign_id = ${campaignK}, client_shared = true where id = ${id}`;
    return id;
  }
  /** A client where the team holds its roles and the guest is the client's, like K. */
  async function freshTeamClient(): Promise<string> {
    const id = await freshClient(users.owner.id, 'T');
    for (const role of ['editor', 'reviewer', 'viewer', 'guest'] as const)
      await h.db
        .sql`insert into client_members (client_id, user_id, role) values (${id}, ${users[role].id}, ${role})`;
    return id;
  }
  /** A fresh account added to client K or campaign K's members with `role`. */
  async function freshOrgMember(table: 'client_members' | 'campaign_members', role: string): Promise<string> {
    const { id } = await freshAccount();
    if (table === 'client_members')
      await h.db
        .sql`insert into client_members (client_id, user_id, role) values (${clientK}, ${id}, ${role})`;
    else
      await h.db
        .sql`insert into campaign_members (campaign_id, user_id, role) values (${campaignK}, ${id}, ${role})`;
    return id;
  }
  /** A live brief of `projectId` in its campaign (inserted directly). */
  async function freshBrief(projectId: string): Promise<string> {
    const [b] = await h.db.sql<{ id: string }[]>`
      insert into briefs (campaign_id, project_id, fields)
      select p.campaign_id, p.id, ${h.db.sql.json(BRIEF as never)} from projects p where p.id = ${projectId}
      returning id`;
    return b!.id;
  }
  /** A client owned by `ownerId` (inserted directly). */
  async function freshClient(ownerId: string, name: string): Promise<string> {
    const [k] = await h.db.sql<{ id: string }[]>`insert into clients (name) values (${name}) returning id`;
    await h.db
      .sql`insert into client_members (client_id, user_id, role) values (${k!.id}, ${ownerId}, 'owner')`;
    return k!.id;
  }
  /** A campaign of `clientId` without the storyboard gate, so final renders are judged on roles alone. */
  async function freshCampaign(clientId: string): Promise<string> {
    const [c] = await h.db.sql<{ id: string }[]>`
      insert into campaigns (client_id, name, require_storyboard_approval) values (${clientId}, 'Launch', false) returning id`;
    return c!.id;
  }
  async function freshKit(clientId: string): Promise<string> {
    const [k] = await h.db.sql<{ id: string }[]>`
      insert into brand_kits (client_id, name) values (${clientId}, 'Kit') returning id`;
    return k!.id;
  }
  /** A font row of `kitId` (its file is not needed by the routes under test). */
  async function freshFont(kitId: string): Promise<string> {
    const id = crypto.randomUUID();
    await h.db.sql`
      insert into brand_kit_fonts (id, kit_id, family, style, format, storage_key, sha256, byte_size)
      values (${id}, ${kitId}, 'F', 'Regular', 'ttf', ${`brand-kits/${kitId}/fonts/${id}.ttf`}, ${id}, 1)`;
    return id;
  }
  /** A rendered variant of `projectId` over a stored video asset (inserted directly). */
  async function freshVariant(projectId: string): Promise<string> {
    const [j] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, status, finished_at) values (${projectId}, 'render.variants', 'completed', now())
      returning id`;
    const [a] = await h.db.sql<{ id: string }[]>`
      insert into assets (project_id, kind, mime, byte_size, sha256, storage_key, source, job_id, original_name)
      values (${projectId}, 'video', 'video/mp4', 10, 'x', ${`projects/${projectId}/assets/${crypto.randomUUID()}/original`}, 'job', ${j!.id}, 'v.mp4')
      returning id`;
    const [v] = await h.db.sql<{ id: string }[]>`
      insert into variants (project_id, job_id, key, label, aspect_ratio, duration_sec, status, video_asset_id)
      values (${projectId}, ${j!.id}, 'vertical-15', '9:16 · 15 s', '9:16', 15, 'ready', ${a!.id}) returning id`;
    return v!.id;
  }
  /** An account outside everything (to be added as a member by the members cases). */
  async function freshAccount(): Promise<{ id: string; email: string }> {
    const email = `m-${crypto.randomUUID()}@example.test`;
    const [u] = await h.db.sql<{ id: string }[]>`
      insert into users (email, name, password_hash) values (${email}, 'm', 'x') returning id`;
    return { id: u!.id, email };
  }
  async function freshAsset(projectId: string): Promise<Asset> {
    return (await (await upload(h, users.owner.token, projectId, png, 'a.png')).json()) as Asset;
  }
  async function freshTarget(projectId: string): Promise<string> {
    const [u] = await h.db.sql<{ id: string }[]>`
      insert into users (email, name, password_hash) values (${`t-${crypto.randomUUID()}@example.test`}, 'target', 'x')
      returning id`;
    await h.db
      .sql`insert into project_members (project_id, user_id, role) values (${projectId}, ${u!.id}, 'viewer')`;
    return u!.id;
  }
  const rel = (url: string) => url.replace('http://localhost:8787', '');
  /** A saved version of an empty document. */
  async function freshVersion(projectId: string): Promise<string> {
    const state = Buffer.from(Y.encodeStateAsUpdate(new Y.Doc()));
    const [v] = await h.db.sql<
      { id: string }[]
    >`insert into doc_versions (project_id, name, state) values (${projectId}, 'v', ${state}) returning id`;
    return v!.id;
  }
  /** A job row in `status` (not queued in BullMQ: the routes under test only need the row). */
  async function freshJob(projectId: string, status: 'queued' | 'failed'): Promise<string> {
    const [j] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, params, status, finished_at)
      values (${projectId}, 'assets.derive', ${h.db.sql.json({ assetId: assetA.id })}, ${status}, ${status === 'failed' ? new Date() : null})
      returning id`;
    return j!.id;
  }

  /** A render job in `projectId` with a video output recording two scenes (inserted directly). */
  async function freshRender(projectId: string, status: 'completed' | 'running'): Promise<string> {
    const value = {
      versionId: '00000000-0000-4000-8000-000000000001',
      durationSec: 4,
      width: 640,
      height: 360,
      fps: 24,
      shots: [2, 2],
      transitionSec: 0,
      scenes: [
        { sceneId: 's1', heading: 'INT. ROOM - DAY', startFrame: 0, endFrame: 48 },
        { sceneId: 's2', heading: 'EXT. YARD - NIGHT', startFrame: 48, endFrame: 96 },
      ],
    };
    const outputs = status === 'completed' ? [{ name: 'video', value }] : [];
    const [j] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, params, status, outputs, finished_at)
      values (${projectId}, 'render.video', ${h.db.sql.json({})}, ${status}, ${h.db.sql.json(outputs)},
        ${status === 'completed' ? new Date() : null})
      returning id`;
    return j!.id;
  }

  /** A comment in `projectId` written by `authorId` (inserted directly). */
  async function freshComment(projectId: string, authorId: string): Promise<string> {
    const [c] = await h.db.sql<{ id: string }[]>`
      insert into comments (project_id, author_id, body) values (${projectId}, ${authorId}, 'note') returning id`;
    return c!.id;
  }
  /** An open resumable upload of `length` bytes by `actor` (the owner for anonymous), inserted directly. */
  async function freshUpload(projectId: string, actor: Actor, length = png.length): Promise<string> {
    const by = actor === 'anonymous' ? users.owner.id : users[actor].id;
    const [u] = await h.db.sql<{ id: string }[]>`
      insert into uploads (project_id, created_by, upload_length, expires_at)
      values (${projectId}, ${by}, ${length}, now() + interval '1 hour') returning id`;
    return u!.id;
  }
  /** A one-minute video asset row in `projectId` (inserted directly: lecture routes read the row only). */
  async function freshVideo(projectId: string): Promise<string> {
    const [a] = await h.db.sql<{ id: string }[]>`
      insert into assets (project_id, kind, mime, byte_size, sha256, storage_key, duration_sec)
      values (${projectId}, 'video', 'video/mp4', 1000, 'x', ${`projects/${projectId}/assets/${crypto.randomUUID()}/original`}, 60)
      returning id`;
    return a!.id;
  }
  /** A live lecture in `projectId` over a fresh video (inserted directly). */
  async function freshLecture(projectId: string): Promise<string> {
    const [l] = await h.db.sql<{ id: string }[]>`
      insert into lectures (project_id, title, asset_id) values (${projectId}, 'Lecture', ${await freshVideo(projectId)})
      returning id`;
    return l!.id;
  }
  /** A lecture with a completed analysis (stand-in written through the job store) and a clips job. */
  async function analysedLecture(projectId: string, ownerId: string): Promise<string> {
    const lectureId = await freshLecture(projectId);
    const { jobId } = await seedLectureAnalysis(h.db.sql, h.deps.blobStore, {
      projectId,
      lectureId,
      userId: ownerId,
      results: sampleLectureAnalysis(20),
    });
    await seedLectureClips(h.db.sql, {
      projectId,
      lectureId,
      analysisJobId: jobId,
      userId: ownerId,
      clips: [{ candidateId: 'c-summary', startSec: 12.5, endSec: 15.7 }],
      outputs: [],
    });
    return lectureId;
  }
  /** A live lesson in `projectId` (inserted directly). */
  async function freshLesson(projectId: string): Promise<string> {
    const [l] = await h.db.sql<{ id: string }[]>`
      insert into lessons (project_id, title) values (${projectId}, 'Lesson') returning id`;
    return l!.id;
  }
  /** A live portrait consent in `projectId` over `assetId` (inserted directly). */
  async function freshConsent(projectId: string, assetId: string): Promise<string> {
    const [k] = await h.db.sql<{ id: string }[]>`
      insert into consents (project_id, kind, subject_name, asset_id, scope, statement_text)
      values (${projectId}, 'portrait', 'Subject', ${assetId}, 'Lessons', 'I agree.') returning id`;
    return k!.id;
  }

  /**
   * For routes that act on the signed-in account itself (and end its sessions): a fresh account
   * signed in for each signed-in actor, none for anonymous. Project roles play no part there.
   */
  async function ownAccount(actor: Actor): Promise<{ headers?: Record<string, string> }> {
    if (actor === 'anonymous') return {};
    const fresh = await registerUser(h, `own-${actor}`);
    return { headers: { authorization: `Bearer ${fresh.token}` } };
  }

  /** The comment's author for actor-own cases: the actor (anonymous has none; the owner stands in). */
  const authorOf = (actor: Actor) => users[actor === 'anonymous' ? 'owner' : actor].id;

  const cases: Case[] = [
    {
      route: 'GET /healthz',
      label: 'liveness',
      expect: all(200),
      request: () => ({ method: 'GET', path: '/healthz' }),
    },
    {
      route: 'GET /readyz',
      label: 'readiness',
      expect: all(200),
      request: () => ({ method: 'GET', path: '/readyz' }),
    },
    {
      route: 'POST /api/v1/auth/register',
      label: 'register a new account (public; 201 signed in)',
      expect: all(201),
      request: () => ({
        method: 'POST',
        path: '/api/v1/auth/register',
        body: { email: `r-${crypto.randomUUID()}@example.test`, password: 'a long password', name: 'R' },
      }),
    },
    {
      route: 'POST /api/v1/auth/login',
      label: 'login with a wrong password (public)',
      expect: all(401),
      request: () => ({
        method: 'POST',
        path: '/api/v1/auth/login',
        body: { email: users.owner.email, password: 'wrong one!' },
      }),
    },
    {
      route: 'POST /api/v1/auth/refresh',
      label: 'refresh without a cookie (bearer tokens do not refresh)',
      expect: all(401),
      request: () => ({ method: 'POST', path: '/api/v1/auth/refresh' }),
    },
    {
      route: 'POST /api/v1/auth/logout',
      label: 'logout (always succeeds; a fresh account per actor: a bearer token names the session it ends)',
      expect: all(204),
      request: async (actor) => ({
        method: 'POST',
        path: '/api/v1/auth/logout',
        ...(await ownAccount(actor)),
      }),
    },
    {
      route: 'POST /api/v1/auth/logout-all',
      label: 'sign out everywhere (a fresh account per actor: it ends every session)',
      expect: { ...all(204), anonymous: 401 },
      request: async (actor) => ({
        method: 'POST',
        path: '/api/v1/auth/logout-all',
        ...(await ownAccount(actor)),
      }),
    },
    {
      route: 'GET /api/v1/auth/options',
      label: 'how passwords are reset here (public)',
      expect: all(200),
      request: () => ({ method: 'GET', path: '/api/v1/auth/options' }),
    },
    {
      route: 'POST /api/v1/auth/password-reset',
      label: 'ask for a reset link (public; 202 for any email)',
      expect: all(202),
      request: () => ({
        method: 'POST',
        path: '/api/v1/auth/password-reset',
        body: { email: `nobody-${crypto.randomUUID()}@example.test` },
      }),
    },
    {
      route: 'POST /api/v1/auth/password-reset/confirm',
      label: 'use a reset link (public: the one-time token is the authorization)',
      expect: all(204),
      request: async () => {
        const target = await registerUser(h, 'reset-target');
        const { url } = await issuePasswordReset(h.db.sql, h.deps.publicUrl, target.id, { ttlSec: 600 });
        return {
          method: 'POST',
          path: '/api/v1/auth/password-reset/confirm',
          body: { token: url.split('#token=')[1], password: 'a brand new password' },
        };
      },
    },
    {
      route: 'POST /api/v1/me/password',
      label: 'change my password (a fresh account per actor: it ends other sessions)',
      expect: { ...all(204), anonymous: 401 },
      request: async (actor) => ({
        method: 'POST',
        path: '/api/v1/me/password',
        body: { currentPassword: PASSWORD, newPassword: 'another long password' },
        ...(await ownAccount(actor)),
      }),
    },
    {
      route: 'DELETE /api/v1/me',
      label: 'delete my account (a fresh account per actor)',
      expect: { ...all(204), anonymous: 401 },
      request: async (actor) => ({
        method: 'DELETE',
        path: '/api/v1/me',
        body: { password: PASSWORD },
        ...(await ownAccount(actor)),
      }),
    },
    {
      route: 'DELETE /api/v1/me',
      label:
        'delete the account of a sole owner of projects with members: 409 (the owner of A, the non-member owning B); the others send a wrong password: 403',
      expect: { owner: 409, nonMember: 409, editor: 403, reviewer: 403, viewer: 403, anonymous: 401 },
      request: (actor) => ({
        method: 'DELETE',
        path: '/api/v1/me',
        body: { password: actor === 'owner' || actor === 'nonMember' ? PASSWORD : 'not my password' },
      }),
    },
    {
      route: 'POST /api/v1/admin/password-resets',
      label: 'issue a reset link for a user (instance admins only; none of these is one)',
      expect: { ...all(403), anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: '/api/v1/admin/password-resets',
        body: { email: users.viewer.email },
      }),
    },
    {
      route: 'GET /api/v1/me',
      label: 'me',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/me' }),
    },
    {
      route: 'GET /api/v1/projects',
      label: 'list my projects',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/projects' }),
    },
    {
      route: 'POST /api/v1/projects',
      label: 'create a project',
      expect: { ...all(201), anonymous: 401 },
      request: () => ({ method: 'POST', path: '/api/v1/projects', body: { name: 'New' } }),
    },
    {
      route: 'GET /api/v1/projects/{id}',
      label: 'read project A',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}` }),
    },
    {
      route: 'PATCH /api/v1/projects/{id}',
      label: 'rename project A',
      expect: byRole(['owner', 'editor'], 200),
      request: () => ({ method: 'PATCH', path: `/api/v1/projects/${projectA}`, body: { name: 'Renamed' } }),
    },
    {
      route: 'DELETE /api/v1/projects/{id}',
      label: 'delete a project',
      expect: byRole(['owner'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/projects/${await freshProject()}` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/members',
      label: 'list members',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/members` }),
    },
    {
      route: 'POST /api/v1/projects/{id}/members',
      label: 'invite an existing account',
      expect: byRole(['owner'], 201),
      request: async () => {
        const [u] = await h.db.sql<{ email: string }[]>`
          insert into users (email, name, password_hash) values (${`i-${crypto.randomUUID()}@example.test`}, 'i', 'x')
          returning email`;
        return {
          method: 'POST',
          path: `/api/v1/projects/${projectA}/members`,
          body: { email: u!.email, role: 'viewer' },
        };
      },
    },
    {
      route: 'PATCH /api/v1/projects/{id}/members/{userId}',
      label: "change another member's role",
      expect: byRole(['owner'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/projects/${projectA}/members/${await freshTarget(projectA)}`,
        body: { role: 'reviewer' },
      }),
    },
    {
      route: 'DELETE /api/v1/projects/{id}/members/{userId}',
      label: 'remove another member',
      expect: byRole(['owner'], 204),
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/projects/${projectA}/members/${await freshTarget(projectA)}`,
      }),
    },
    {
      route: 'POST /api/v1/realtime/tickets',
      label: 'realtime ticket for project A',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'POST', path: '/api/v1/realtime/tickets', body: { projectId: projectA } }),
    },
    {
      route: 'POST /api/v1/realtime/tickets',
      label: "variants-only ticket for project A (its staff and the client's guest)",
      expect: byRole([...EVERY_ROLE, 'guest'], 200),
      request: () => ({
        method: 'POST',
        path: '/api/v1/realtime/tickets',
        body: { projectId: projectA, scope: 'variants' },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/assets',
      label: 'upload to project A',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({ method: 'POST', path: `/api/v1/projects/${projectA}/assets`, upload: true }),
    },
    {
      route: 'POST /api/v1/projects/{id}/assets/direct-uploads',
      label: 'start a direct upload to storage (201 with S3, 501 with the local store)',
      expect: byRole(['owner', 'editor'], DIRECT_UPLOADS ? 201 : 501),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/assets/direct-uploads`,
        body: { fileName: 'a.png', byteSize: 1234, contentType: 'image/png' },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/assets/direct-uploads/complete',
      label: 'finish a direct upload (a token that is not one: 422 with S3, 501 with the local store)',
      expect: byRole(['owner', 'editor'], DIRECT_UPLOADS ? 422 : 501),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/assets/direct-uploads/complete`,
        body: { uploadToken: 'x.y.z' },
      }),
    },
    {
      route: 'OPTIONS /api/v1/uploads',
      label: 'tus discovery is public',
      expect: all(204),
      request: () => ({ method: 'OPTIONS', path: '/api/v1/uploads' }),
    },
    {
      route: 'POST /api/v1/projects/{id}/uploads',
      label: 'start a resumable upload in project A (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/uploads`,
        headers: { ...TUS, 'upload-length': '100' },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/uploads',
      label: 'IDOR: start a resumable upload in project B',
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 201, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectB}/uploads`,
        headers: { ...TUS, 'upload-length': '100' },
      }),
    },
    {
      route: 'HEAD /api/v1/uploads/{uploadId}',
      label: 'resume point of your own upload (needs assets:write still)',
      expect: byRole(['owner', 'editor'], 200),
      request: async (actor) => ({
        method: 'HEAD',
        path: `/api/v1/uploads/${await freshUpload(projectA, actor)}`,
        headers: TUS,
      }),
    },
    {
      route: 'GET /api/v1/uploads/{uploadId}',
      label: 'your own upload as JSON',
      expect: byRole(['owner', 'editor'], 200),
      request: async (actor) => ({
        method: 'GET',
        path: `/api/v1/uploads/${await freshUpload(projectA, actor)}`,
      }),
    },
    {
      route: 'GET /api/v1/uploads/{uploadId}',
      label: "IDOR: someone else's upload (the owner's) does not exist for anyone else",
      expect: { owner: 200, editor: 404, reviewer: 404, viewer: 404, nonMember: 404, anonymous: 401 },
      request: async () => ({
        method: 'GET',
        path: `/api/v1/uploads/${await freshUpload(projectA, 'owner')}`,
      }),
    },
    {
      route: 'PATCH /api/v1/uploads/{uploadId}',
      label: 'append (here: all) bytes of your own upload; it becomes an asset',
      expect: byRole(['owner', 'editor'], 204),
      request: async (actor) => ({
        method: 'PATCH',
        path: `/api/v1/uploads/${await freshUpload(projectA, actor)}`,
        headers: { ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
        raw: png,
      }),
    },
    {
      route: 'PATCH /api/v1/uploads/{uploadId}',
      label: "IDOR: append to the owner's upload",
      expect: { owner: 204, editor: 404, reviewer: 404, viewer: 404, nonMember: 404, anonymous: 401 },
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/uploads/${await freshUpload(projectA, 'owner')}`,
        headers: { ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
        raw: png,
      }),
    },
    {
      route: 'DELETE /api/v1/uploads/{uploadId}',
      label: 'cancel your own upload',
      expect: byRole(['owner', 'editor'], 204),
      request: async (actor) => ({
        method: 'DELETE',
        path: `/api/v1/uploads/${await freshUpload(projectA, actor)}`,
        headers: TUS,
      }),
    },
    {
      route: 'DELETE /api/v1/uploads/{uploadId}',
      label: "IDOR: cancel the owner's upload",
      expect: { owner: 204, editor: 404, reviewer: 404, viewer: 404, nonMember: 404, anonymous: 401 },
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/uploads/${await freshUpload(projectA, 'owner')}`,
        headers: TUS,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/assets',
      label: "list project A's assets",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/assets` }),
    },
    {
      route: 'GET /api/v1/assets/{id}',
      label: 'read an asset of A',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/assets/${assetA.id}` }),
    },
    {
      route: 'DELETE /api/v1/assets/{id}',
      label: 'delete an asset of A',
      expect: byRole(['owner', 'editor'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/assets/${(await freshAsset(projectA)).id}` }),
    },
    {
      route: 'GET /api/v1/assets/{id}/content',
      label: 'signed content URL (the signature is the authorization)',
      expect: all(200),
      request: () => ({ method: 'GET', path: rel(assetA.urls.content), noAuth: true }),
    },
    {
      route: 'GET /api/v1/assets/{id}/thumbnail',
      label: 'signed thumbnail URL',
      expect: all(200),
      request: () => ({ method: 'GET', path: rel(assetA.urls.thumbnail!), noAuth: true }),
    },
    {
      route: 'GET /api/v1/assets/{id}/content',
      label: 'content URL without a signature, even with a bearer token',
      expect: all(403),
      request: () => ({ method: 'GET', path: `/api/v1/assets/${assetA.id}/content` }),
    },
    // IDOR: B's ids through A's members. `nonMember` owns B, so for them these succeed.
    {
      route: 'GET /api/v1/assets/{id}',
      label: "IDOR: read project B's asset",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/assets/${assetB.id}` }),
    },
    {
      route: 'DELETE /api/v1/assets/{id}',
      label: "IDOR: delete project B's asset",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 404, anonymous: 401 },
      // nonMember would really delete it; ask them about an id that no longer exists instead.
      request: (actor) => ({
        method: 'DELETE',
        path: `/api/v1/assets/${actor === 'nonMember' ? crypto.randomUUID() : assetB.id}`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/assets',
      label: "IDOR: list project B's assets",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/assets` }),
    },
    {
      route: 'PATCH /api/v1/projects/{id}/members/{userId}',
      label: "IDOR: change the role of B's member through project A",
      expect: { owner: 404, editor: 403, reviewer: 403, viewer: 403, nonMember: 404, anonymous: 401 },
      request: () => ({
        method: 'PATCH',
        path: `/api/v1/projects/${projectA}/members/${onlyInB.id}`,
        body: { role: 'owner' },
      }),
    },
    {
      route: 'POST /api/v1/realtime/tickets',
      label: 'IDOR: realtime ticket for project B',
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'POST', path: '/api/v1/realtime/tickets', body: { projectId: projectB } }),
    },
    {
      route: 'POST /api/v1/realtime/tickets',
      label: 'IDOR: variants-only ticket for project B',
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: '/api/v1/realtime/tickets',
        body: { projectId: projectB, scope: 'variants' },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/jobs',
      label: 'start a job (editors and owners)',
      expect: byRole(['owner', 'editor'], 202),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/jobs`,
        body: { type: 'assets.derive', params: { assetId: assetA.id } },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/variants',
      label: 'render platform variants (editors and owners: jobs:create)',
      expect: byRole(['owner', 'editor'], 202),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectR}/variants`,
        body: { variants: [{ preset: 'square-30' }] },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/variants',
      label: "IDOR: variants of project B through A's members",
      expect: { ...all(404), nonMember: 202, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectB}/variants`,
        body: { variants: [{ preset: 'vertical-15' }] },
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/jobs',
      label: "list a project's jobs",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/jobs` }),
    },
    {
      route: 'GET /api/v1/jobs',
      label: 'my job history (any signed-in user)',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/jobs' }),
    },
    {
      route: 'GET /api/v1/jobs/{jobId}',
      label: 'read a job',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({ method: 'GET', path: `/api/v1/jobs/${await freshJob(projectA, 'queued')}` }),
    },
    {
      route: 'GET /api/v1/jobs/{jobId}',
      label: "IDOR: project B's job through A's members",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({ method: 'GET', path: `/api/v1/jobs/${await freshJob(projectB, 'queued')}` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/renders/{jobId}/export.{kind}',
      label: "a completed render's EDL",
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectA}/renders/${await freshRender(projectA, 'completed')}/export.edl?fps=25`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/renders/{jobId}/export.{kind}',
      label: 'a render still running: 409 for those who may see it',
      expect: byRole(EVERY_ROLE, 409),
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectA}/renders/${await freshRender(projectA, 'running')}/export.otio`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/renders/{jobId}/export.{kind}',
      label: "IDOR: project B's render under project A",
      expect: byRole(EVERY_ROLE, 404),
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectA}/renders/${await freshRender(projectB, 'completed')}/export.fcpxml`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/renders/{jobId}/export.{kind}',
      label: "project B's render through A's members",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectB}/renders/${await freshRender(projectB, 'completed')}/export.edl`,
      }),
    },
    {
      route: 'POST /api/v1/jobs/{jobId}/cancel',
      label: 'cancel a queued job',
      expect: byRole(['owner', 'editor'], 202),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/jobs/${await freshJob(projectA, 'queued')}/cancel`,
      }),
    },
    {
      route: 'POST /api/v1/jobs/{jobId}/retry',
      label: 'retry a failed job',
      expect: byRole(['owner', 'editor'], 202),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/jobs/${await freshJob(projectA, 'failed')}/retry`,
      }),
    },
    {
      route: 'PATCH /api/v1/jobs/{jobId}',
      label: "change a job's priority",
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/jobs/${await freshJob(projectA, 'queued')}`,
        body: { priority: 2 },
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/budget',
      label: 'read the budget and spend',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/budget` }),
    },
    {
      route: 'PUT /api/v1/projects/{id}/budget',
      label: 'set the budget (owners)',
      expect: byRole(['owner'], 200),
      request: () => ({
        method: 'PUT',
        path: `/api/v1/projects/${projectA}/budget`,
        body: { softLimitUsd: 50, hardLimitUsd: 100 },
      }),
    },
    {
      route: 'POST /api/v1/admin/session',
      label: 'open the queue dashboard (instance admins only; none of these is one)',
      expect: { ...all(403), anonymous: 401 },
      request: () => ({ method: 'POST', path: '/api/v1/admin/session' }),
      nodeOnly: true,
    },
    {
      route: 'POST /api/v1/projects/{id}/versions',
      label: 'save a named version',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/versions`,
        body: { name: 'cut 1' },
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/versions',
      label: 'list versions',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/versions` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/versions/{versionId}',
      label: 'preview a version',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectA}/versions/${await freshVersion(projectA)}`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/versions/{versionId}',
      label: "IDOR: project B's version through project A",
      expect: { ...byRole(EVERY_ROLE, 404), nonMember: 404 },
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectA}/versions/${await freshVersion(projectB)}`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/versions/{a}/diff/{b}',
      label: 'diff two versions',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectA}/versions/${await freshVersion(projectA)}/diff/${await freshVersion(projectA)}`,
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/versions/{versionId}/restore',
      label: 'restore a version (as a new change)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/versions/${await freshVersion(projectA)}/restore`,
      }),
    },
    {
      route: 'POST /api/v1/script-imports/preview',
      label: 'preview a script file (any signed-in user; writes nothing)',
      expect: { ...all(200), anonymous: 401 },
      request: () => scriptFile('/api/v1/script-imports/preview'),
    },
    {
      route: 'POST /api/v1/script-imports',
      label: 'create a project from a script file (any signed-in user)',
      expect: { ...all(201), anonymous: 401 },
      request: () => scriptFile('/api/v1/script-imports'),
    },
    {
      route: 'POST /api/v1/projects/{id}/script-import',
      label: "replace a fresh project's script (owner, editor)",
      expect: byRole(['owner', 'editor'], 200),
      request: async () => scriptFile(`/api/v1/projects/${await freshProject()}/script-import`),
    },
    {
      route: 'POST /api/v1/projects/{id}/script-import',
      label: "IDOR: replace project B's script",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => scriptFile(`/api/v1/projects/${projectB}/script-import?dryRun=true`),
    },
    {
      route: 'GET /api/v1/job-types',
      label: 'job types this deployment runs now (any signed-in user)',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/job-types' }),
    },
    {
      route: 'GET /api/v1/models',
      label: 'models on live workers (any signed-in user)',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/models' }),
    },
    {
      route: 'GET /api/v1/projects/{id}/comments',
      label: 'list comments',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectR}/comments` }),
    },
    {
      route: 'POST /api/v1/projects/{id}/comments',
      label: 'comment on a scene (owners, editors, reviewers)',
      expect: byRole(['owner', 'editor', 'reviewer'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectR}/comments`,
        body: { body: 'Tighter here', anchor: { kind: 'scene', sceneId: 's1' } },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/comments',
      label: 'IDOR: comment on project B',
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({ method: 'POST', path: `/api/v1/projects/${projectB}/comments`, body: { body: 'x' } }),
    },
    {
      route: 'PATCH /api/v1/comments/{commentId}',
      label: 'edit my own comment',
      expect: byRole(['owner', 'editor', 'reviewer'], 200),
      request: async (actor) => ({
        method: 'PATCH',
        path: `/api/v1/comments/${await freshComment(projectR, authorOf(actor))}`,
        body: { body: 'edited' },
      }),
    },
    {
      route: 'PATCH /api/v1/comments/{commentId}',
      label: "edit the owner's comment (only its author may)",
      expect: { owner: 200, editor: 403, reviewer: 403, viewer: 403, nonMember: 404, anonymous: 401 },
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/comments/${await freshComment(projectR, users.owner.id)}`,
        body: { body: 'edited' },
      }),
    },
    {
      route: 'PATCH /api/v1/comments/{commentId}',
      label: "resolve someone else's thread",
      expect: byRole(['owner', 'editor', 'reviewer'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/comments/${await freshComment(projectR, users.viewer.id)}`,
        body: { resolved: true },
      }),
    },
    {
      route: 'PATCH /api/v1/comments/{commentId}',
      label: "IDOR: resolve project B's comment",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/comments/${await freshComment(projectB, users.nonMember.id)}`,
        body: { resolved: true },
      }),
    },
    {
      route: 'DELETE /api/v1/comments/{commentId}',
      label: 'delete my own comment',
      expect: byRole(['owner', 'editor', 'reviewer'], 204),
      request: async (actor) => ({
        method: 'DELETE',
        path: `/api/v1/comments/${await freshComment(projectR, authorOf(actor))}`,
      }),
    },
    {
      route: 'DELETE /api/v1/comments/{commentId}',
      label: "delete someone else's comment (owners moderate)",
      expect: { owner: 204, editor: 403, reviewer: 403, viewer: 403, nonMember: 404, anonymous: 401 },
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/comments/${await freshComment(projectR, await freshTarget(projectR))}`,
      }),
    },
    {
      route: 'DELETE /api/v1/comments/{commentId}',
      label: "IDOR: delete project B's comment",
      expect: { ...all(404), nonMember: 204, anonymous: 401 },
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/comments/${await freshComment(projectB, users.nonMember.id)}`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/review',
      label: 'review summary',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectR}/review` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/review',
      label: "IDOR: project B's review summary",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/review` }),
    },
    {
      route: 'POST /api/v1/projects/{id}/scenes/{sceneId}/approvals',
      label: 'approve a scene (owners and reviewers)',
      expect: byRole(['owner', 'reviewer'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectR}/scenes/s1/approvals`,
        body: { status: 'approved', note: 'Good' },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/scenes/{sceneId}/approvals',
      label: "IDOR: approve project B's scene",
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectB}/scenes/s1/approvals`,
        body: { status: 'changes_requested' },
      }),
    },
    {
      route: 'GET /api/v1/notifications',
      label: 'my inbox (any signed-in user)',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/notifications' }),
    },
    {
      route: 'POST /api/v1/notifications/read',
      label: 'mark my inbox read',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'POST', path: '/api/v1/notifications/read', body: { all: true } }),
    },
    {
      route: 'GET /api/v1/projects/{id}/review/export.csv',
      label: 'export review feedback as CSV',
      expect: byRole(['owner', 'editor', 'reviewer'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectR}/review/export.csv` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/review/report.pdf',
      label: 'export the review report as PDF',
      expect: byRole(['owner', 'editor', 'reviewer'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectR}/review/report.pdf` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/review/report.pdf',
      label: "IDOR: project B's review report",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/review/report.pdf` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/export.fountain',
      label: 'download a deliverable of the current version (every member)',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectR}/export.fountain?version=current`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/export.pdf',
      label: 'download a deliverable of a named version (every member)',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectR}/export.pdf?version=${await freshVersion(projectR)}`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/export.fdx',
      label: "IDOR: project B's version through project R's deliverables",
      expect: { ...byRole(EVERY_ROLE, 404), nonMember: 404, anonymous: 401 },
      request: async () => ({
        method: 'GET',
        path: `/api/v1/projects/${projectR}/export.fdx?version=${await freshVersion(projectB)}`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/shotlist.csv',
      label: "IDOR: project B's shot list",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/shotlist.csv` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/storyboard.pdf',
      label: 'download the storyboard PDF of the current version, 2 frames a page (every member)',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectR}/storyboard.pdf?perPage=2` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/handover.zip',
      label: 'download the handover bundle (every member)',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectR}/handover.zip` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/handover.zip',
      label: "IDOR: project B's handover bundle",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/handover.zip` }),
    },
    {
      route: 'POST /api/v1/projects/{id}/lessons',
      label: 'create a lesson (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/lessons`,
        body: { title: 'Intro' },
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/lessons',
      label: "list a project's lessons",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/lessons` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/lessons',
      label: "IDOR: list project B's lessons",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/lessons` }),
    },
    {
      route: 'GET /api/v1/lessons/{lessonId}',
      label: 'read a lesson',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({ method: 'GET', path: `/api/v1/lessons/${await freshLesson(projectA)}` }),
    },
    {
      route: 'GET /api/v1/lessons/{lessonId}',
      label: "IDOR: read project B's lesson",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({ method: 'GET', path: `/api/v1/lessons/${await freshLesson(projectB)}` }),
    },
    {
      route: 'PATCH /api/v1/lessons/{lessonId}',
      label: 'rename a lesson (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/lessons/${await freshLesson(projectA)}`,
        body: { title: 'Renamed' },
      }),
    },
    {
      route: 'PATCH /api/v1/lessons/{lessonId}',
      label: "IDOR: rename project B's lesson",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/lessons/${await freshLesson(projectB)}`,
        body: { title: 'Mine' },
      }),
    },
    {
      route: 'DELETE /api/v1/lessons/{lessonId}',
      label: 'delete a lesson (owners, editors)',
      expect: byRole(['owner', 'editor'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/lessons/${await freshLesson(projectA)}` }),
    },
    {
      route: 'DELETE /api/v1/lessons/{lessonId}',
      label: "IDOR: delete project B's lesson",
      expect: { ...all(404), nonMember: 204, anonymous: 401 },
      request: async () => ({ method: 'DELETE', path: `/api/v1/lessons/${await freshLesson(projectB)}` }),
    },
    {
      route: 'POST /api/v1/projects/{id}/lectures',
      label: 'create a lecture from a video of A (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/lectures`,
        body: { title: 'Talk', assetId: await freshVideo(projectA) },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/lectures',
      label: "IDOR: a lecture in A over project B's video",
      expect: { owner: 422, editor: 422, reviewer: 403, viewer: 403, nonMember: 404, anonymous: 401 },
      request: async () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/lectures`,
        body: { title: 'Theirs', assetId: await freshVideo(projectB) },
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/lectures',
      label: "list a project's lectures",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/lectures` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/lectures',
      label: "IDOR: list project B's lectures",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/lectures` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}',
      label: 'read a lecture',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({ method: 'GET', path: `/api/v1/lectures/${await freshLecture(projectA)}` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}',
      label: "IDOR: read project B's lecture",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}` }),
    },
    {
      route: 'PATCH /api/v1/lectures/{lectureId}',
      label: 'rename a lecture (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/lectures/${await freshLecture(projectA)}`,
        body: { title: 'Renamed' },
      }),
    },
    {
      route: 'PATCH /api/v1/lectures/{lectureId}',
      label: "IDOR: rename project B's lecture",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/lectures/${await freshLecture(projectB)}`,
        body: { title: 'Renamed' },
      }),
    },
    {
      route: 'DELETE /api/v1/lectures/{lectureId}',
      label: 'delete a lecture (owners, editors)',
      expect: byRole(['owner', 'editor'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/lectures/${await freshLecture(projectA)}` }),
    },
    {
      route: 'DELETE /api/v1/lectures/{lectureId}',
      label: "IDOR: delete project B's lecture",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 204, anonymous: 401 },
      request: async () => ({ method: 'DELETE', path: `/api/v1/lectures/${await freshLecture(projectB)}` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/transcript',
      label: 'analysis result: transcript',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/transcript` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/transcript',
      label: "IDOR: project B's transcript",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/transcript` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/transcript.srt',
      label: 'analysis result: transcript.srt',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/transcript.srt` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/transcript.srt',
      label: "IDOR: project B's transcript.srt",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/transcript.srt` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/transcript.vtt',
      label: 'analysis result: transcript.vtt',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/transcript.vtt` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/transcript.vtt',
      label: "IDOR: project B's transcript.vtt",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/transcript.vtt` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/speech',
      label: 'analysis result: speech',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/speech` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/speech',
      label: "IDOR: project B's speech",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/speech` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/layout',
      label: 'analysis result: layout',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/layout` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/layout',
      label: "IDOR: project B's layout",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/layout` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/topics',
      label: 'analysis result: topics',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/topics` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/topics',
      label: "IDOR: project B's topics",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/topics` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/candidates',
      label: 'analysis result: candidates',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/candidates` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/candidates',
      label: "IDOR: project B's candidates",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/candidates` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/clips',
      label: 'analysis result: clips',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureA}/clips` }),
    },
    {
      route: 'GET /api/v1/lectures/{lectureId}/clips',
      label: "IDOR: project B's clips",
      expect: { owner: 404, editor: 404, reviewer: 404, viewer: 404, nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lectures/${lectureB}/clips` }),
    },
    {
      route: 'POST /api/v1/projects/{id}/consents',
      label: 'record a consent for a portrait (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/consents`,
        body: {
          kind: 'portrait',
          subjectName: 'Ada',
          assetId: assetA.id,
          scope: 'Training lessons',
          statementText: 'I agree.',
        },
      }),
    },
    {
      route: 'POST /api/v1/projects/{id}/consents',
      label: "IDOR: a consent in project A for project B's asset",
      expect: { owner: 422, editor: 422, reviewer: 403, viewer: 403, nonMember: 404, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/projects/${projectA}/consents`,
        body: { kind: 'portrait', subjectName: 'B', assetId: assetB.id, scope: 'x', statementText: 'y' },
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/consents',
      label: "list a project's consents",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/consents` }),
    },
    {
      route: 'GET /api/v1/consents/{consentId}',
      label: 'read a consent',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({
        method: 'GET',
        path: `/api/v1/consents/${await freshConsent(projectA, assetA.id)}`,
      }),
    },
    {
      route: 'GET /api/v1/consents/{consentId}',
      label: "IDOR: read project B's consent",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'GET',
        path: `/api/v1/consents/${await freshConsent(projectB, assetB.id)}`,
      }),
    },
    {
      route: 'DELETE /api/v1/consents/{consentId}',
      label: 'revoke a consent (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/consents/${await freshConsent(projectA, assetA.id)}`,
      }),
    },
    {
      route: 'DELETE /api/v1/consents/{consentId}',
      label: "IDOR: revoke project B's consent",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/consents/${await freshConsent(projectB, assetB.id)}`,
      }),
    },
    {
      route: 'POST /api/v1/lessons/{id}/shares',
      label: 'share a finished lesson render',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/lessons/${lessonA.lessonId}/shares`,
        body: { jobId: lessonA.jobId, expiresInHours: 2 },
      }),
    },
    {
      route: 'POST /api/v1/lessons/{id}/shares',
      label: "IDOR: share project B's lesson",
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/lessons/${lessonB.lessonId}/shares`,
        body: { jobId: lessonB.jobId },
      }),
    },
    {
      route: 'GET /api/v1/lessons/{id}/shares',
      label: "a lesson's share links",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/lessons/${lessonA.lessonId}/shares` }),
    },
    {
      route: 'GET /api/v1/lessons/{id}/shares',
      label: "IDOR: project B's lesson's share links",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/lessons/${lessonB.lessonId}/shares` }),
    },
    {
      route: 'DELETE /api/v1/shares/{shareId}',
      label: 'revoke a share link',
      expect: byRole(['owner', 'editor'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/shares/${await freshShare(lessonA)}` }),
    },
    {
      route: 'DELETE /api/v1/shares/{shareId}',
      label: "IDOR: revoke project B's share link",
      expect: { ...all(404), nonMember: 204, anonymous: 401 },
      request: async () => ({ method: 'DELETE', path: `/api/v1/shares/${await freshShare(lessonB)}` }),
    },
    ...(
      [
        ['', 'the shared player page'],
        ['/video', 'the shared video'],
        ['/captions.vtt', 'the shared captions'],
        ['/poster', 'the shared poster'],
        ['/player.js', 'the shared player script'],
        ['/player.css', 'the shared player stylesheet'],
      ] as const
    ).map(
      ([suffix, label]): Case => ({
        route: `GET /embed/{token}${suffix}`,
        label: `${label} (public: the token is the authorization)`,
        expect: all(200),
        request: () => ({ method: 'GET', path: `/embed/${shareToken}${suffix}` }),
      }),
    ),
    {
      route: 'GET /embed/{token}',
      label: 'a share link that does not exist (public, 404 for everyone)',
      expect: all(404),
      request: () => ({ method: 'GET', path: `/embed/${randomBytes(32).toString('base64url')}` }),
    },

    // ── clients, campaigns, brand kits, variants, gallery (#18): K is the team's client, L the stranger's ──
    {
      route: 'POST /api/v1/clients',
      label: 'create a client (anyone signed in)',
      expect: { ...all(201), anonymous: 401 },
      request: () => ({ method: 'POST', path: '/api/v1/clients', body: { name: 'New client' } }),
    },
    {
      route: 'GET /api/v1/clients',
      label: 'list my clients',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/clients' }),
    },
    {
      route: 'GET /api/v1/clients/{id}',
      label: 'read client K (its staff and its guest)',
      expect: byRole([...EVERY_ROLE, 'guest'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/clients/${clientK}` }),
    },
    {
      route: 'GET /api/v1/clients/{id}',
      label: "IDOR: read the stranger's client L",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/clients/${clientL}` }),
    },
    {
      route: 'PATCH /api/v1/clients/{id}',
      label: 'rename client K (owners)',
      expect: byRole(['owner'], 200),
      request: () => ({ method: 'PATCH', path: `/api/v1/clients/${clientK}`, body: { name: 'K' } }),
    },
    {
      route: 'PATCH /api/v1/clients/{id}',
      label: 'IDOR: rename client L',
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'PATCH', path: `/api/v1/clients/${clientL}`, body: { name: 'L' } }),
    },
    {
      route: 'DELETE /api/v1/clients/{id}',
      label: 'delete a client without campaigns (owners)',
      expect: byRole(['owner'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/clients/${await freshTeamClient()}` }),
    },
    {
      route: 'GET /api/v1/clients/{id}/members',
      label: "client K's members (staff; not guests)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/clients/${clientK}/members` }),
    },
    {
      route: 'POST /api/v1/clients/{id}/members',
      label: 'add a member to client K (owners)',
      expect: byRole(['owner'], 201),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/clients/${clientK}/members`,
        body: { email: (await freshAccount()).email, role: 'guest' },
      }),
    },
    {
      route: 'POST /api/v1/clients/{id}/members',
      label: 'IDOR: add a member to client L',
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: async () => ({
        method: 'POST',
        path: `/api/v1/clients/${clientL}/members`,
        body: { email: (await freshAccount()).email, role: 'viewer' },
      }),
    },
    {
      route: 'PATCH /api/v1/clients/{id}/members/{userId}',
      label: "change a client K member's role (owners)",
      expect: byRole(['owner'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/clients/${clientK}/members/${await freshOrgMember('client_members', 'viewer')}`,
        body: { role: 'reviewer' },
      }),
    },
    {
      route: 'DELETE /api/v1/clients/{id}/members/{userId}',
      label: 'remove a client K member (owners)',
      expect: byRole(['owner'], 204),
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/clients/${clientK}/members/${await freshOrgMember('client_members', 'viewer')}`,
      }),
    },
    {
      route: 'POST /api/v1/campaigns',
      label: 'create a campaign for client K (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: '/api/v1/campaigns',
        body: { clientId: clientK, name: 'New' },
      }),
    },
    {
      route: 'POST /api/v1/campaigns',
      label: 'IDOR: create a campaign for client L',
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: '/api/v1/campaigns',
        body: { clientId: clientL, name: 'New' },
      }),
    },
    {
      route: 'GET /api/v1/campaigns',
      label: 'list the campaigns I can see',
      expect: { ...all(200), anonymous: 401 },
      request: () => ({ method: 'GET', path: '/api/v1/campaigns?status=active' }),
    },
    {
      route: 'GET /api/v1/campaigns/{id}',
      label: "read K's campaign (staff, and the guest: it has a shared project)",
      expect: byRole([...EVERY_ROLE, 'guest'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignK}` }),
    },
    {
      route: 'GET /api/v1/campaigns/{id}',
      label: "IDOR: read L's campaign",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignL}` }),
    },
    {
      route: 'PATCH /api/v1/campaigns/{id}',
      label: "change K's campaign (owners, editors)",
      expect: byRole(['owner', 'editor'], 200),
      request: () => ({ method: 'PATCH', path: `/api/v1/campaigns/${campaignK}`, body: { name: 'Launch' } }),
    },
    {
      route: 'DELETE /api/v1/campaigns/{id}',
      label: 'delete a campaign of client K (owners; the guest does not see a campaign with nothing shared)',
      expect: { ...byRole(['owner'], 204), guest: 404 },
      request: async () => ({ method: 'DELETE', path: `/api/v1/campaigns/${await freshCampaign(clientK)}` }),
    },
    {
      route: 'GET /api/v1/campaigns/{id}/members',
      label: "K campaign's members (staff; not guests)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignK}/members` }),
    },
    {
      route: 'POST /api/v1/campaigns/{id}/members',
      label: "add a member to K's campaign (owners)",
      expect: byRole(['owner'], 201),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/campaigns/${campaignK}/members`,
        body: { email: (await freshAccount()).email, role: 'viewer' },
      }),
    },
    {
      route: 'PATCH /api/v1/campaigns/{id}/members/{userId}',
      label: "change a K campaign member's role (owners)",
      expect: byRole(['owner'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/campaigns/${campaignK}/members/${await freshOrgMember('campaign_members', 'viewer')}`,
        body: { role: 'editor' },
      }),
    },
    {
      route: 'DELETE /api/v1/campaigns/{id}/members/{userId}',
      label: 'remove a K campaign member (owners)',
      expect: byRole(['owner'], 204),
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/campaigns/${campaignK}/members/${await freshOrgMember('campaign_members', 'viewer')}`,
      }),
    },
    {
      route: 'GET /api/v1/campaigns/{id}/projects',
      label: "K campaign's projects (staff; the guest sees the shared ones)",
      expect: byRole([...EVERY_ROLE, 'guest'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignK}/projects` }),
    },
    {
      route: 'POST /api/v1/campaigns/{id}/projects',
      label: "create a project in K's campaign (owners, editors)",
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/campaigns/${campaignK}/projects`,
        body: { name: 'In campaign' },
      }),
    },
    {
      route: 'POST /api/v1/campaigns/{id}/projects',
      label: "IDOR: create a project in L's campaign",
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/campaigns/${campaignL}/projects`,
        body: { name: 'x' },
      }),
    },
    {
      route: 'PUT /api/v1/projects/{id}/client-share',
      label: 'share a campaign project with the client (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'PUT',
        path: `/api/v1/projects/${await freshProject()}/client-share`,
        body: { shared: true },
      }),
    },
    {
      route: 'PUT /api/v1/projects/{id}/client-share',
      label: 'IDOR: unshare project B',
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({
        method: 'PUT',
        path: `/api/v1/projects/${projectB}/client-share`,
        body: { shared: true },
      }),
    },
    {
      route: 'POST /api/v1/brand-kits',
      label: 'create a brand kit for client K (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({
        method: 'POST',
        path: '/api/v1/brand-kits',
        body: { clientId: clientK, name: 'Kit' },
      }),
    },
    {
      route: 'POST /api/v1/brand-kits',
      label: 'IDOR: create a brand kit for client L',
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: '/api/v1/brand-kits',
        body: { clientId: clientL, name: 'Kit' },
      }),
    },
    {
      route: 'GET /api/v1/brand-kits',
      label: "client K's brand kits (staff; not guests)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/brand-kits?clientId=${clientK}` }),
    },
    {
      route: 'GET /api/v1/brand-kits/{id}',
      label: "read K's kit (staff)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/brand-kits/${kitK}` }),
    },
    {
      route: 'GET /api/v1/brand-kits/{id}',
      label: "IDOR: read L's kit",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/brand-kits/${kitL}` }),
    },
    {
      route: 'PATCH /api/v1/brand-kits/{id}',
      label: "change K's kit (owners, editors)",
      expect: byRole(['owner', 'editor'], 200),
      request: () => ({ method: 'PATCH', path: `/api/v1/brand-kits/${kitK}`, body: { musicMood: 'upbeat' } }),
    },
    {
      route: 'PATCH /api/v1/brand-kits/{id}',
      label: "IDOR: change L's kit",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'PATCH', path: `/api/v1/brand-kits/${kitL}`, body: { musicMood: 'calm' } }),
    },
    {
      route: 'DELETE /api/v1/brand-kits/{id}',
      label: 'delete a kit of K (owners, editors)',
      expect: byRole(['owner', 'editor'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/brand-kits/${await freshKit(clientK)}` }),
    },
    {
      route: 'PUT /api/v1/brand-kits/{id}/logo',
      label: 'set a kit logo (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'PUT',
        path: `/api/v1/brand-kits/${await freshKit(clientK)}/logo`,
        headers: { 'content-type': 'image/svg+xml' },
        raw: new TextEncoder().encode(
          '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>',
        ),
      }),
    },
    {
      route: 'GET /api/v1/brand-kits/{id}/logo',
      label: "K's kit logo (staff)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/brand-kits/${kitK}/logo` }),
    },
    {
      route: 'GET /api/v1/brand-kits/{id}/logo',
      label: "IDOR: L's kit logo",
      expect: { ...all(404), nonMember: 404, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/brand-kits/${kitL}/logo` }),
    },
    {
      route: 'DELETE /api/v1/brand-kits/{id}/logo',
      label: 'remove a kit logo (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({ method: 'DELETE', path: `/api/v1/brand-kits/${await freshKit(clientK)}/logo` }),
    },
    {
      route: 'POST /api/v1/brand-kits/{id}/fonts',
      label: 'add a font to a kit (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/brand-kits/${await freshKit(clientK)}/fonts`,
        headers: { 'content-type': 'font/ttf' },
        raw: ttf,
      }),
    },
    {
      route: 'DELETE /api/v1/brand-kits/{id}/fonts/{fontId}',
      label: 'remove a font from a kit (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/brand-kits/${kitK}/fonts/${await freshFont(kitK)}`,
      }),
    },
    {
      route: 'DELETE /api/v1/brand-kits/{id}/fonts/{fontId}',
      label: "IDOR: remove a font from L's kit",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'DELETE',
        path: `/api/v1/brand-kits/${kitL}/fonts/${await freshFont(kitL)}`,
      }),
    },
    {
      route: 'GET /api/v1/projects/{id}/variants',
      label: "project A's variants (the team and the client's guest)",
      expect: byRole([...EVERY_ROLE, 'guest'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectA}/variants` }),
    },
    {
      route: 'GET /api/v1/projects/{id}/variants',
      label: "IDOR: project B's variants",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/projects/${projectB}/variants` }),
    },
    {
      route: 'GET /api/v1/variants/{id}',
      label: 'read a variant of A (the team and the guest)',
      expect: byRole([...EVERY_ROLE, 'guest'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/variants/${variantA}` }),
    },
    {
      route: 'GET /api/v1/variants/{id}',
      label: 'IDOR: read a variant of B',
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/variants/${variantB}` }),
    },
    {
      route: 'POST /api/v1/variants/{id}/approval',
      label: 'decide on a variant of A (owners, reviewers, guests)',
      expect: byRole(['owner', 'reviewer', 'guest'], 200),
      request: () => ({
        method: 'POST',
        path: `/api/v1/variants/${variantA}/approval`,
        body: { status: 'approved' },
      }),
    },
    {
      route: 'POST /api/v1/variants/{id}/approval',
      label: 'IDOR: decide on a variant of B',
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/variants/${variantB}/approval`,
        body: { status: 'approved' },
      }),
    },
    {
      route: 'GET /api/v1/variants/{id}/comments',
      label: "a variant's comments (guests: client-visible only)",
      expect: byRole([...EVERY_ROLE, 'guest'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/variants/${variantA}/comments` }),
    },
    {
      route: 'POST /api/v1/variants/{id}/comments',
      label: 'comment on a variant of A (owners, editors, reviewers, guests)',
      expect: byRole(['owner', 'editor', 'reviewer', 'guest'], 201),
      request: () => ({
        method: 'POST',
        path: `/api/v1/variants/${variantA}/comments`,
        body: { body: 'Nice' },
      }),
    },
    {
      route: 'POST /api/v1/variants/{id}/comments',
      label: 'IDOR: comment on a variant of B',
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({ method: 'POST', path: `/api/v1/variants/${variantB}/comments`, body: { body: 'x' } }),
    },
    {
      route: 'GET /api/v1/clients/{id}/gallery',
      label: "client K's gallery (staff; not guests)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/clients/${clientK}/gallery` }),
    },
    {
      route: 'GET /api/v1/clients/{id}/gallery',
      label: "IDOR: client L's gallery",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/clients/${clientL}/gallery` }),
    },
    {
      route: 'GET /api/v1/campaigns/{id}/gallery',
      label: "K campaign's gallery (staff; not guests)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignK}/gallery` }),
    },
    {
      route: 'POST /api/v1/clients/{id}/gallery/download',
      label: 'zip chosen outputs of K (staff)',
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({
        method: 'POST',
        path: `/api/v1/clients/${clientK}/gallery/download`,
        body: { assetIds: [variantAssetA] },
      }),
    },
    {
      route: 'POST /api/v1/clients/{id}/gallery/download',
      label: "IDOR: zip K's output through client L",
      expect: { ...all(404), anonymous: 401 },
      request: () => ({
        method: 'POST',
        path: `/api/v1/clients/${clientL}/gallery/download`,
        body: { assetIds: [variantAssetA] },
      }),
    },

    {
      route: 'GET /api/v1/campaigns/{id}/budget',
      label: "K campaign's budget and spend today (owners, editors)",
      expect: byRole(['owner', 'editor'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignK}/budget` }),
    },
    {
      route: 'GET /api/v1/campaigns/{id}/budget',
      label: "IDOR: L campaign's budget",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignL}/budget` }),
    },
    {
      route: 'PUT /api/v1/campaigns/{id}/budget',
      label: "set K campaign's limits (owners; a soft one, so other cases' jobs still run)",
      expect: byRole(['owner'], 200),
      request: () => ({
        method: 'PUT',
        path: `/api/v1/campaigns/${campaignK}/budget`,
        body: { totalSoftUsd: 1000 },
      }),
    },
    {
      route: 'PUT /api/v1/campaigns/{id}/budget',
      label: "IDOR: set L campaign's limits",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({
        method: 'PUT',
        path: `/api/v1/campaigns/${campaignL}/budget`,
        body: { totalSoftUsd: 1000 },
      }),
    },
    {
      route: 'GET /api/v1/campaigns/{id}/spend',
      label: "K campaign's spend report (owners, editors)",
      expect: byRole(['owner', 'editor'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/campaigns/${campaignK}/spend` }),
    },
    {
      route: 'GET /api/v1/clients/{id}/spend',
      label: "client K's spend report (owners, editors)",
      expect: byRole(['owner', 'editor'], 200),
      request: () => ({ method: 'GET', path: `/api/v1/clients/${clientK}/spend` }),
    },
    {
      route: 'GET /api/v1/clients/{id}/spend',
      label: "IDOR: client L's spend report",
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: () => ({ method: 'GET', path: `/api/v1/clients/${clientL}/spend` }),
    },
    {
      route: 'POST /api/v1/briefs',
      label: 'write a brief for project A (owners, editors)',
      expect: byRole(['owner', 'editor'], 201),
      request: () => ({ method: 'POST', path: '/api/v1/briefs', body: { ...BRIEF, projectId: projectA } }),
    },
    {
      route: 'POST /api/v1/briefs',
      label: 'IDOR: write a brief for project B',
      expect: { ...all(404), nonMember: 201, anonymous: 401 },
      request: () => ({ method: 'POST', path: '/api/v1/briefs', body: { ...BRIEF, projectId: projectB } }),
    },
    {
      route: 'GET /api/v1/briefs',
      label: "project A's briefs (the team; not guests)",
      expect: byRole(EVERY_ROLE, 200),
      request: () => ({ method: 'GET', path: `/api/v1/briefs?projectId=${projectA}` }),
    },
    {
      route: 'GET /api/v1/briefs/{id}',
      label: 'read a brief of A (the team)',
      expect: byRole(EVERY_ROLE, 200),
      request: async () => ({ method: 'GET', path: `/api/v1/briefs/${await freshBrief(projectA)}` }),
    },
    {
      route: 'GET /api/v1/briefs/{id}',
      label: 'IDOR: read a brief of B',
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({ method: 'GET', path: `/api/v1/briefs/${await freshBrief(projectB)}` }),
    },
    {
      route: 'PATCH /api/v1/briefs/{id}',
      label: 'change a brief of A (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'PATCH',
        path: `/api/v1/briefs/${await freshBrief(projectA)}`,
        body: { title: 'New' },
      }),
    },
    {
      route: 'DELETE /api/v1/briefs/{id}',
      label: 'delete a brief of A (owners, editors)',
      expect: byRole(['owner', 'editor'], 204),
      request: async () => ({ method: 'DELETE', path: `/api/v1/briefs/${await freshBrief(projectA)}` }),
    },
    {
      route: 'POST /api/v1/briefs/{id}/draft',
      label: 'draft the storyboard of a brief from the template (owners, editors)',
      expect: byRole(['owner', 'editor'], 200),
      request: async () => ({
        method: 'POST',
        path: `/api/v1/briefs/${await freshBrief(await freshProject())}/draft`,
        body: { mode: 'template' },
      }),
    },
    {
      route: 'POST /api/v1/briefs/{id}/draft',
      label: 'IDOR: draft a brief of B',
      expect: { ...all(404), nonMember: 200, anonymous: 401 },
      request: async () => ({
        method: 'POST',
        path: `/api/v1/briefs/${await freshBrief(projectB)}/draft`,
        body: { mode: 'template', replace: true },
      }),
    },
  ];

  async function send(actor: Actor, r: Req): Promise<Response> {
    const headers: Record<string, string> = {};
    if (actor !== 'anonymous' && !r.noAuth) headers.authorization = `Bearer ${users[actor].token}`;
    if (r.upload) {
      const { multipartFile } = await import('./fixtures');
      const form = multipartFile(png, 'm.png');
      return h.app.request(r.path, {
        method: r.method,
        headers: { ...headers, ...form.headers },
        body: form.body,
      });
    }
    if (r.raw)
      return h.app.request(r.path, { method: r.method, headers: { ...headers, ...r.headers }, body: r.raw });
    if (r.body !== undefined) headers['content-type'] = 'application/json';
    return h.app.request(r.path, {
      method: r.method,
      headers: { ...headers, ...r.headers },
      body: r.body === undefined ? undefined : JSON.stringify(r.body),
    });
  }

  for (const c of cases) {
    it(`${c.route} — ${c.label}`, async () => {
      const got: Record<string, number> = {};
      for (const actor of ACTORS) got[actor] = (await send(actor, await c.request(actor))).status;
      expect(got).toEqual(expected(c));
    });
  }

  it('covers every route in the OpenAPI document, and nothing else', async () => {
    const doc = (await (await h.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = cases.filter((c) => !(c.nodeOnly && API_RUNTIME === 'workerd'));
    expect([...new Set(served.map((c) => c.route))].sort()).toEqual(documented.sort());
  });

  it('the bearer token of a realtime ticket or garbage never opens a project route', async () => {
    const t = await send('owner', {
      method: 'POST',
      path: '/api/v1/realtime/tickets',
      body: { projectId: projectA },
    });
    const { ticket } = (await t.json()) as { ticket: string };
    for (const token of [ticket, 'x.y.z', '']) {
      const res = await h.app.request(`/api/v1/projects/${projectR}`, { headers: auth(token) });
      expect(res.status).toBe(401);
    }
  });
});
