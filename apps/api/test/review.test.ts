import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finishJob } from '@clapboard/server/jobs';
import type { Asset } from '@clapboard/shared/api';
import type { Approval, Comment, NotificationsPage, ReviewSummary } from '@clapboard/shared/review';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMember, auth, createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';
import {
  callApi,
  editScript,
  fountainOf,
  postComment,
  setSceneField,
  type TestScene,
  writeScenes,
} from './review-fixtures';

let h: Harness;
let owner: TestUser;
let editor: TestUser;
let reviewer: TestUser;
let stranger: TestUser;
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-review-'));

const SCENES: TestScene[] = [
  { id: 'kitchen', heading: 'INT. KITCHEN - DAY', dialogue: 'Pass the salt.' },
  { id: 'garden', heading: 'EXT. GARDEN - NIGHT', dialogue: 'Listen to the owls.' },
  { id: 'roof', heading: 'EXT. ROOF - DAWN', dialogue: 'We made it.' },
];

const call = <T>(user: TestUser, method: string, path: string, body?: unknown) =>
  callApi<T>(h, user, method, path, body);

/** A project owned by `owner` with editor and reviewer, and the three scenes in its document. */
async function reviewProject(): Promise<string> {
  const { id } = await createProject(h, owner, 'Review');
  await addMember(h, id, owner, editor, 'editor');
  await addMember(h, id, owner, reviewer, 'reviewer');
  await writeScenes(h.db.sql, id, SCENES);
  return id;
}

const comment = (user: TestUser, projectId: string, body: unknown) => postComment(h, user, projectId, body);
const summary = async (projectId: string) =>
  (await call<ReviewSummary>(reviewer, 'GET', `/projects/${projectId}/review`)).body;
const sceneState = async (projectId: string, sceneId: string) =>
  (await summary(projectId)).scenes.find((s) => s.sceneId === sceneId)!;
const inbox = async (user: TestUser) => (await call<NotificationsPage>(user, 'GET', '/notifications')).body;

beforeAll(async () => {
  h = await createHarness({ loginRateLimit: { perIpAccount: 1000, perIp: 1000 } });
  owner = await registerUser(h, 'Olive');
  editor = await registerUser(h, 'Eddie');
  reviewer = await registerUser(h, 'Rita');
  stranger = await registerUser(h, 'Sam');
});
afterAll(async () => {
  await h.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('comments', () => {
  it('threads replies, edits, resolves and reopens, and lets owners moderate', async () => {
    const p = await reviewProject();
    const root = await comment(reviewer, p, {
      body: 'Too dark',
      anchor: { kind: 'scene', sceneId: 'garden' },
    });
    expect(root.status).toBe(201);
    const reply = await comment(editor, p, { body: 'Will brighten', parentId: root.body.comment.id });
    // A reply to a reply joins the thread's first comment and keeps its scene.
    const nested = await comment(reviewer, p, { body: 'Thanks', parentId: reply.body.comment.id });
    expect(nested.body.comment.parentId).toBe(root.body.comment.id);
    expect(nested.body.comment.sceneId).toBe('garden');

    expect(
      (await call(editor, 'PATCH', `/comments/${root.body.comment.id}`, { body: 'hijack' })).status,
    ).toBe(403);
    const edited = await call<{ comment: Comment }>(reviewer, 'PATCH', `/comments/${root.body.comment.id}`, {
      body: 'Far too dark',
    });
    expect(edited.body.comment.editedAt).not.toBeNull();
    const resolved = await call<{ comment: Comment }>(editor, 'PATCH', `/comments/${root.body.comment.id}`, {
      resolved: true,
    });
    expect(resolved.body.comment.resolvedBy).toBe(editor.id);
    expect((await sceneState(p, 'garden')).comments).toEqual({ total: 1, open: 0 });
    const reopened = await call<{ comment: Comment }>(
      reviewer,
      'PATCH',
      `/comments/${root.body.comment.id}`,
      { resolved: false },
    );
    expect(reopened.body.comment.resolvedAt).toBeNull();
    expect((await sceneState(p, 'garden')).comments).toEqual({ total: 1, open: 1 });

    expect((await call(editor, 'DELETE', `/comments/${nested.body.comment.id}`)).status).toBe(403);
    expect((await call(owner, 'DELETE', `/comments/${nested.body.comment.id}`)).status).toBe(204);
    const list = await call<{ items: Comment[] }>(editor, 'GET', `/projects/${p}/comments?sceneId=garden`);
    expect(list.body.items.map((c) => c.body)).toEqual(['Far too dark', 'Will brighten', '']);
    const [row] = await h.db.sql<
      { body: string }[]
    >`select body from comments where id = ${nested.body.comment.id}`;
    expect(row!.body).not.toContain('Thanks');
  });

  it('refuses a mention of a non-member with 422 and puts a member’s mention in their inbox', async () => {
    const p = await reviewProject();
    const refused = await comment(reviewer, p, { body: `Ask @[Sam](user:${stranger.id})` });
    expect(refused.status).toBe(422);
    expect(refused.body.error?.details).toEqual({ userIds: [stranger.id] });
    expect(await h.db.sql`select 1 from comments where project_id = ${p}`).toHaveLength(0);

    const before = (await inbox(editor)).unread;
    const ok = await comment(reviewer, p, { body: `@[Eddie](user:${editor.id}) please **fix** this` });
    expect(ok.body.comment.mentions).toEqual([editor.id]);
    expect(ok.body.comment.html).toContain(`<span class="mention" data-user-id="${editor.id}">@Eddie</span>`);
    const box = await inbox(editor);
    expect(box.unread).toBe(before + 1);
    expect(box.items[0]).toMatchObject({
      kind: 'mention',
      projectId: p,
      payload: { commentId: ok.body.comment.id, excerpt: '@Eddie please fix this' },
    });
    // Someone else's ids are not theirs to mark.
    await call(reviewer, 'POST', '/notifications/read', { ids: [box.items[0]!.id] });
    expect((await inbox(editor)).unread).toBe(before + 1);
    const read = await call<{ unread: number }>(editor, 'POST', '/notifications/read', {
      ids: [box.items[0]!.id],
    });
    expect(read.body.unread).toBe(before);
    // A reply notifies the thread's author.
    await comment(editor, p, { body: 'On it', parentId: ok.body.comment.id });
    expect((await inbox(reviewer)).items[0]).toMatchObject({
      kind: 'reply',
      payload: { parentId: ok.body.comment.id },
    });
  });

  it('stores XSS payloads raw and returns them inert', async () => {
    const p = await reviewProject();
    const body = '<img src=x onerror=alert(1)> [click](javascript:alert(1)) [ok](https://example.com)';
    const created = await comment(reviewer, p, { body });
    const [row] = await h.db.sql<
      { body: string }[]
    >`select body from comments where id = ${created.body.comment.id}`;
    expect(row!.body).toBe(body);
    const listed = (await call<{ items: Comment[] }>(editor, 'GET', `/projects/${p}/comments`)).body
      .items[0]!;
    expect(listed.body).toBe(body);
    expect(listed.html).not.toMatch(/<img|href="javascript:|<script/i);
    expect(listed.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(listed.html).toContain(
      '<a href="https://example.com/" rel="noopener noreferrer nofollow" target="_blank">ok</a>',
    );
    expect((listed.html.match(/<a /g) ?? []).length).toBe(1);
    expect(listed.nodes.filter((n) => n.type === 'link')).toEqual([
      { type: 'link', text: 'ok', href: 'https://example.com/' },
    ]);
  });

  it('anchors a script range that follows edits, and a render time with a drawing', async () => {
    const p = await reviewProject();
    // Point at "Listen to the owls." by offsets, then type in front of it.
    const from = fountainOf(SCENES).indexOf('Listen to the owls.');
    const { body: anchored } = await comment(reviewer, p, {
      body: 'Owls at night?',
      anchor: { kind: 'script', sceneId: 'garden', from, to: from + 'Listen to the owls.'.length },
    });
    expect(anchored.comment.anchor).toMatchObject({ from, quote: 'Listen to the owls.' });
    await editScript(h.db.sql, p, 'INT. KITCHEN - DAY', 'INT. BIG KITCHEN - DAY');
    const listed = (await call<{ items: Comment[] }>(editor, 'GET', `/projects/${p}/comments?kind=script`))
      .body.items;
    expect(listed.find((x) => x.id === anchored.comment.id)!.anchor).toMatchObject({
      from: from + 4,
      to: from + 4 + 'Listen to the owls.'.length,
      quote: 'Listen to the owls.',
    });

    const [job] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, params, created_by) values (${p}, 'render.video', '{}', ${owner.id}) returning id`;
    const drawing = [
      {
        kind: 'arrow',
        points: [
          [0.1, 0.2],
          [0.5, 0.5],
        ],
        color: '#ff0000',
      },
    ];
    const media = await comment(reviewer, p, {
      body: 'Here',
      anchor: { kind: 'media', jobId: job!.id, startSec: 3, drawing },
    });
    expect(media.body.comment.anchor).toEqual({ kind: 'media', jobId: job!.id, startSec: 3, drawing });
    const bad = await comment(reviewer, p, {
      body: 'x',
      anchor: {
        kind: 'media',
        jobId: job!.id,
        startSec: 1,
        drawing: [
          {
            kind: 'rect',
            points: [
              [0, 0],
              [2, 1],
            ],
            color: '#fff',
          },
        ],
      },
    });
    expect(bad.status).toBe(400);
    const foreign = await comment(reviewer, p, {
      body: 'x',
      anchor: { kind: 'media', jobId: crypto.randomUUID(), startSec: 1 },
    });
    expect(foreign.status).toBe(422);
    const unknownScene = await comment(reviewer, p, {
      body: 'x',
      anchor: { kind: 'scene', sceneId: 'nope' },
    });
    expect(unknownScene.status).toBe(422);
  });
});

describe('approvals', () => {
  const approve = (p: string, sceneId: string, status = 'approved') =>
    call<{ approval: Approval }>(reviewer, 'POST', `/projects/${p}/scenes/${sceneId}/approvals`, {
      status,
      note: 'ok',
    });

  it('goes stale when the scene’s dialogue changes, with a diff, and not when another scene changes', async () => {
    const p = await reviewProject();
    const decided = await approve(p, 'garden');
    expect(decided.status).toBe(201);
    expect(decided.body.approval).toMatchObject({
      status: 'approved',
      stale: false,
      content: { heading: 'EXT. GARDEN - NIGHT' },
    });
    expect(decided.body.approval.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // An owner hears about it.
    expect((await inbox(owner)).items[0]).toMatchObject({
      kind: 'approval',
      payload: { sceneId: 'garden', status: 'approved' },
    });

    await editScript(h.db.sql, p, 'Pass the salt.', 'Pass the pepper.');
    await setSceneField(h.db.sql, p, 'kitchen', 'shot', 'close');
    expect((await sceneState(p, 'garden')).status).toBe('approved');

    await editScript(h.db.sql, p, 'Listen to the owls.', 'Listen to the wind.');
    await setSceneField(h.db.sql, p, 'garden', 'dialogue', [
      { character: 'ALEX', text: 'Listen to the wind.', parenthetical: null },
    ]);
    const state = await sceneState(p, 'garden');
    expect(state.status).toBe('stale');
    expect(state.approval!.changes.map((c) => c.field).sort()).toEqual(['dialogue', 'scriptText']);
    expect(state.approval!.changes.find((c) => c.field === 'dialogue')).toMatchObject({
      before: [{ text: 'Listen to the owls.' }],
      after: [{ text: 'Listen to the wind.' }],
    });
    expect(state.approval!.scriptDiff.filter((l) => l.op !== 'equal')).toEqual([
      { op: 'remove', text: 'Listen to the owls.' },
      { op: 'add', text: 'Listen to the wind.' },
    ]);
    const s = await summary(p);
    expect(s.counts).toEqual({ approved: 0, changes_requested: 0, stale: 1, not_reviewed: 2 });
  });

  it('goes stale when the frame or a shot setting changes', async () => {
    const p = await reviewProject();
    await approve(p, 'roof');
    await approve(p, 'kitchen', 'changes_requested');
    expect((await sceneState(p, 'kitchen')).status).toBe('changes_requested');
    await setSceneField(h.db.sql, p, 'roof', 'frameAssetId', crypto.randomUUID());
    await setSceneField(h.db.sql, p, 'kitchen', 'durationSec', 9);
    const roof = await sceneState(p, 'roof');
    expect(roof.status).toBe('stale');
    expect(roof.approval!.changes.map((c) => c.field)).toEqual(['frameAssetId']);
    expect((await sceneState(p, 'kitchen')).approval!.changes).toMatchObject([
      { field: 'durationSec', before: 5, after: 9 },
    ]);
    // A new decision on the current content is fresh again.
    await approve(p, 'roof');
    expect((await sceneState(p, 'roof')).status).toBe('approved');
  });

  it('refuses editors and unknown scenes', async () => {
    const p = await reviewProject();
    expect(
      (await call(editor, 'POST', `/projects/${p}/scenes/garden/approvals`, { status: 'approved' })).status,
    ).toBe(403);
    expect((await approve(p, 'missing')).status).toBe(404);
  });

  it('a final render needs every scene approved when the project says so', async () => {
    const p = await reviewProject();
    const render = () =>
      call<{ error: { details: { unapprovedScenes: { sceneId: string; status: string }[] } } }>(
        owner,
        'POST',
        `/projects/${p}/jobs`,
        { type: 'render.video', params: { final: true } },
      );
    expect((await call(owner, 'PATCH', `/projects/${p}`, { requireApprovalForFinal: true })).status).toBe(
      200,
    );
    await approve(p, 'kitchen');
    await approve(p, 'garden', 'changes_requested');
    const refused = await render();
    expect(refused.status).toBe(409);
    expect(refused.body.error.details.unapprovedScenes).toEqual([
      { sceneId: 'garden', heading: 'EXT. GARDEN - NIGHT', status: 'changes_requested' },
      { sceneId: 'roof', heading: 'EXT. ROOF - DAWN', status: 'not_reviewed' },
    ]);
    await approve(p, 'garden');
    await approve(p, 'roof');
    await editScript(h.db.sql, p, 'We made it.', 'We made it!');
    expect((await render()).body.error.details.unapprovedScenes).toEqual([
      { sceneId: 'roof', heading: 'EXT. ROOF - DAWN', status: 'stale' },
    ]);
    await approve(p, 'roof');
    expect((await render()).status).toBe(202);
    // A draft render is never gated.
    await editScript(h.db.sql, p, 'We made it!', 'We made it?');
    expect(
      (await call(owner, 'POST', `/projects/${p}/jobs`, { type: 'render.video', params: {} })).status,
    ).toBe(202);
  });
});

describe('inbox and exports', () => {
  it('a finished render lands in its requester’s inbox', async () => {
    const p = await reviewProject();
    const [job] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, params, created_by, status) values (${p}, 'render.video', '{}', ${editor.id}, 'running') returning id`;
    const before = (await inbox(editor)).unread;
    expect(await finishJob(h.db.sql, h.deps.emitter, job!.id, { status: 'completed' })).toBe(true);
    const box = await inbox(editor);
    expect(box.unread).toBe(before + 1);
    expect(box.items[0]).toMatchObject({
      kind: 'render_finished',
      projectId: p,
      payload: { jobId: job!.id, status: 'completed' },
    });
    expect(
      (await call<{ unread: number }>(editor, 'POST', '/notifications/read', { all: true })).body.unread,
    ).toBe(0);
  });

  it('exports CSV and a PDF report whose pages render with the frame and the comments', async () => {
    const p = await reviewProject();
    const red = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#e01010' } })
      .png()
      .toBuffer();
    const frame = (await (await upload(h, owner.token, p, new Uint8Array(red), 'frame.png')).json()) as Asset;
    await setSceneField(h.db.sql, p, 'garden', 'frameAssetId', frame.id);
    await call(reviewer, 'POST', `/projects/${p}/scenes/garden/approvals`, { status: 'approved' });
    await comment(reviewer, p, {
      body: '=HYPERLINK("http://evil") the **owls** are loud',
      anchor: { kind: 'scene', sceneId: 'garden' },
    });
    await comment(editor, p, { body: 'General note for everyone' });

    const csv = await h.app.request(`/api/v1/projects/${p}/review/export.csv`, {
      headers: auth(reviewer.token),
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toContain('"scene_heading","scene_status"');
    const owls = lines.find((l) => l.includes('owls'))!;
    expect(owls).toContain('"EXT. GARDEN - NIGHT","approved"');
    // Formula injection is defused; markup is reduced to text.
    expect(owls).toContain(`"'=HYPERLINK(""http://evil"") the owls are loud"`);
    expect(lines.some((l) => l.includes('"EXT. ROOF - DAWN","not_reviewed"'))).toBe(true);

    const res = await h.app.request(`/api/v1/projects/${p}/review/report.pdf`, {
      headers: auth(reviewer.token),
    });
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const file = join(tmp, 'report.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    for (const expected of [
      'Review report: Review',
      'EXT. GARDEN - NIGHT',
      'Approved',
      'the owls are loud',
      'Not reviewed',
      'General note for everyone',
      'Rita',
    ])
      expect(text).toContain(expected);
    execFileSync('pdftoppm', ['-png', '-r', '40', file, join(tmp, 'page')]);
    const page = readFileSync(join(tmp, 'page-1.png'));
    const { data, info } = await sharp(page).raw().toBuffer({ resolveWithObject: true });
    // The frame (solid red) is drawn on the first page.
    let redPixels = 0;
    for (let i = 0; i < data.length; i += info.channels)
      if (data[i]! > 200 && data[i + 1]! < 60 && data[i + 2]! < 60) redPixels++;
    expect(redPixels).toBeGreaterThan(500);
  });

  it('stores a drawing on a storyboard frame with the comment, refuses a non-member, and draws it over the frame in the PDF', async () => {
    const p = await reviewProject();
    const red = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#e01010' } })
      .png()
      .toBuffer();
    const frame = (await (await upload(h, owner.token, p, new Uint8Array(red), 'frame.png')).json()) as Asset;
    await setSceneField(h.db.sql, p, 'garden', 'frameAssetId', frame.id);
    const drawing = [
      {
        kind: 'rect',
        points: [
          [0.25, 0.25],
          [0.75, 0.75],
        ],
        color: '#0000ff',
      },
      {
        kind: 'path',
        points: [
          [0.1, 0.9],
          [0.2, 0.85],
          [0.3, 0.9],
        ],
        color: '#0000ff',
      },
    ];
    const anchor = { kind: 'scene', sceneId: 'garden', drawing };
    const posted = await comment(reviewer, p, { body: 'Crop here', anchor });
    expect(posted.status).toBe(201);
    expect(posted.body.comment.anchor).toEqual(anchor);
    const listed = await call<{ items: Comment[] }>(editor, 'GET', `/projects/${p}/comments?sceneId=garden`);
    expect(listed.body.items.find((c) => c.id === posted.body.comment.id)!.anchor).toEqual(anchor);
    expect((await comment(stranger, p, { body: 'Mine', anchor })).status).toBe(404);
    const tooMany = await comment(reviewer, p, {
      body: 'x',
      anchor: { ...anchor, drawing: Array(51).fill(drawing[0]) },
    });
    expect(tooMany.status).toBe(400);

    const res = await h.app.request(`/api/v1/projects/${p}/review/report.pdf`, {
      headers: auth(reviewer.token),
    });
    const file = join(tmp, 'drawn.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    expect(execFileSync('pdftotext', [file, '-']).toString()).toContain('scene (drawing)');
    execFileSync('pdftoppm', ['-png', '-r', '100', '-f', '1', '-l', '1', file, join(tmp, 'drawn')]);
    const { data, info } = await sharp(readFileSync(join(tmp, 'drawn-1.png')))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const px = (x: number, y: number) => {
      const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!] as const;
    };
    const isRed = ([r, g, b]: readonly number[]) => r! > 180 && g! < 80 && b! < 80;
    const isBlue = ([r, g, b]: readonly number[]) => b! > 150 && r! < 120 && g! < 120;
    // The frame: the bounding box of its red pixels.
    let [x0, y0, x1, y1] = [info.width, info.height, 0, 0];
    for (let y = 0; y < info.height; y++)
      for (let x = 0; x < info.width; x++)
        if (isRed(px(x, y)))
          [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    const [w, hgt] = [x1 - x0, y1 - y0];
    expect(w).toBeGreaterThan(300); // 280 pt at 100 dpi is about 389 px
    const blueNear = (u: number, v: number) => {
      const [cx, cy] = [x0 + u * w, y0 + v * hgt];
      for (let dy = -3; dy <= 3; dy++)
        for (let dx = -3; dx <= 3; dx++) if (isBlue(px(cx + dx, cy + dy))) return true;
      return false;
    };
    // Along all four sides of the rectangle, the stroke is there in its colour…
    const samples: Array<[number, number]> = [];
    for (let t = 0.25; t <= 0.75; t += 0.05) samples.push([t, 0.25], [t, 0.75], [0.25, t], [0.75, t]);
    const hits = samples.filter(([u, v]) => blueNear(u, v)).length;
    expect(hits).toBe(samples.length);
    // …and the pen stroke; inside the rectangle the frame shows through (red, no blue).
    expect(blueNear(0.2, 0.85)).toBe(true);
    expect(blueNear(0.5, 0.5)).toBe(false);
    expect(isRed(px(x0 + 0.5 * w, y0 + 0.5 * hgt))).toBe(true);
  });
});
