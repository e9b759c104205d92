import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { saveJobFile } from '@clapboard/server/assets';
import { jobStore } from '@clapboard/server/jobs';
import type { Asset } from '@clapboard/shared/api';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMediaFrames, MEDIA_FRAME_LIMITS } from '../src/review/media-frames';
import { loadReviewFeedback } from '../src/review/review-feedback';
import { addMember, auth, createProject, registerUser, type TestUser, upload } from './fixtures';
import { createHarness, type Harness } from './harness';
import { postComment } from './review-fixtures';

let h: Harness;
let owner: TestUser;
let reviewer: TestUser;
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-review-'));
const comment = (user: TestUser, projectId: string, body: unknown) => postComment(h, user, projectId, body);

beforeAll(async () => {
  h = await createHarness({ loginRateLimit: { perIpAccount: 1000, perIp: 1000 } });
  owner = await registerUser(h, 'Olive');
  reviewer = await registerUser(h, 'Rita');
});
afterAll(async () => {
  await h.close();
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Video frames in the review report are grabbed with ffmpeg, which only a Node API runs: this file
 * stays out of the edge run (the `workerd` project of vitest.config.ts); review.test.ts runs on both entries.
 */
describe('video frames in the review report', () => {
  /** One second of each colour: red, green, blue, yellow (so a frame's time shows in its colour). */
  const COLOURS = ['0xe01010', '0x10c010', '0x1010e0', '0xe0e010'];
  const clip = join(tmp, 'colours.mp4');

  beforeAll(() => {
    const inputs = COLOURS.flatMap((c) => ['-f', 'lavfi', '-i', `color=c=${c}:s=320x180:r=10:d=1`]);
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', ...inputs],
      ...['-filter_complex', 'concat=n=4:v=1:a=0', '-pix_fmt', 'yuv420p', '-c:v', 'libx264'],
      ...['-preset', 'ultrafast', '-g', '40', clip],
    ]);
  });

  /** A completed `render.video` job of `p` whose `video` output is the colour clip, as the worker stores it. */
  async function colourRender(p: string): Promise<{ jobId: string; assetId: string }> {
    const [job] = await h.db.sql<{ id: string }[]>`
      insert into jobs (project_id, type, params, created_by) values (${p}, 'render.video', '{}', ${owner.id}) returning id`;
    const assetId = await saveJobFile(h.db.sql, h.deps.blobStore, {
      projectId: p,
      jobId: job!.id,
      file: clip,
      kind: 'video',
      mime: 'video/mp4',
      name: 'render.mp4',
      durationSec: 4,
    });
    await jobStore.endJob(h.db.sql, job!.id, { status: 'completed', outputs: [{ name: 'video', assetId }] });
    return { jobId: job!.id, assetId };
  }
  const arrow = (color: string) => [
    {
      kind: 'arrow',
      points: [
        [0.2, 0.2],
        [0.7, 0.6],
      ],
      color,
    },
  ];
  /** Mean colour of an image. */
  const meanRgb = async (bytes: Buffer) =>
    (await sharp(bytes).stats()).channels.slice(0, 3).map((c) => c.mean);

  it('puts the frame at the comment’s time under it with the drawing over it, and says why when the video is gone', async () => {
    const { id: p } = await createProject(h, owner, 'Video review');
    await addMember(h, p, owner, reviewer, 'reviewer');
    const render = await colourRender(p);
    const uploaded = (await (
      await upload(h, owner.token, p, new Uint8Array(readFileSync(clip)), 'upload.mp4')
    ).json()) as Asset;
    expect(uploaded.kind).toBe('video');
    const gone = await colourRender(p);
    const dropped = await colourRender(p);

    const post = async (body: string, anchor: Record<string, unknown>) =>
      expect((await comment(reviewer, p, { body, anchor: { kind: 'media', ...anchor } })).status).toBe(201);
    await post('Blue moment', { jobId: render.jobId, startSec: 2, drawing: arrow('#ff00ff') });
    await post('Yellow on the upload', { assetId: uploaded.id, startSec: 3 });
    await post('On a video that was deleted', { jobId: gone.jobId, startSec: 1, drawing: arrow('#00ffff') });
    await post('On a render that was removed', { jobId: dropped.jobId, startSec: 1 });
    await post('Past the end', { jobId: render.jobId, startSec: 30 });
    // The render's video is deleted the way users do it; the other render's job row disappears.
    const del = await h.app.request(`/api/v1/assets/${gone.assetId}`, {
      method: 'DELETE',
      headers: auth(owner.token),
    });
    expect(del.status).toBe(204);
    await h.db.sql`delete from jobs where id = ${dropped.jobId}`;

    const res = await h.app.request(`/api/v1/projects/${p}/review/report.pdf`, {
      headers: auth(reviewer.token),
    });
    expect(res.status).toBe(200);
    const pdfBytes = Buffer.from(await res.arrayBuffer());
    const file = join(tmp, 'video-frames.pdf');
    writeFileSync(file, pdfBytes);
    const text = execFileSync('pdftotext', [file, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain('render 0:02 (drawing)');
    expect(text).toContain("Frame at 0:01 not shown: the render's video was deleted.");
    expect(text).toContain('Frame at 0:01 not shown: the render no longer exists.');
    expect(text).toContain('Frame at 0:30 not shown: the video ends before 0:30.');

    // Two stills are embedded, in comment order, at the video's size (never scaled up).
    const list = execFileSync('pdfimages', ['-list', file]).toString().split('\n').slice(2).filter(Boolean);
    expect(list).toHaveLength(2);
    for (const row of list) expect(row.trim().split(/\s+/).slice(3, 5)).toEqual(['320', '180']);
    execFileSync('pdfimages', ['-png', file, join(tmp, 'still')]);
    const [blue, yellow] = await Promise.all(
      ['still-000.png', 'still-001.png'].map((f) => meanRgb(readFileSync(join(tmp, f)))),
    );
    // 2.0 s is blue (0 s would be red); 3.0 s on the uploaded copy is yellow.
    expect(blue![2]).toBeGreaterThan(180);
    expect(blue![0]).toBeLessThan(60);
    expect(blue![1]).toBeLessThan(60);
    expect(yellow![0]).toBeGreaterThan(180);
    expect(yellow![1]).toBeGreaterThan(180);
    expect(yellow![2]).toBeLessThan(60);

    // The arrow is stroked in its colour in the page content; the deleted video's drawing is not.
    const streams = [...pdfBytes.toString('latin1').matchAll(/stream\r?\n([\s\S]*?)\r?\nendstream/g)].flatMap(
      (m) => {
        try {
          return [inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1')];
        } catch {
          return [];
        }
      },
    );
    const content = streams.filter((s) => /\bDo\b/.test(s)).join('\n');
    expect(content).toMatch(/\b1 0 1 SCN\b/);
    expect(content).not.toMatch(/\b0 1 1 SCN\b/);
    // …and it is drawn over the still on the rendered page.
    execFileSync('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', file, join(tmp, 'video-page')]);
    const { data, info } = await sharp(readFileSync(join(tmp, 'video-page-1.png')))
      .raw()
      .toBuffer({ resolveWithObject: true });
    let magenta = 0;
    for (let i = 0; i < data.length; i += info.channels)
      if (data[i]! > 200 && data[i + 1]! < 80 && data[i + 2]! > 200) magenta++;
    expect(magenta).toBeGreaterThan(50);
  });

  it('reads at most maxFrames distinct frames, drawn comments first', async () => {
    const { id: p } = await createProject(h, owner, 'Video cap');
    await addMember(h, p, owner, reviewer, 'reviewer');
    const render = await colourRender(p);
    const plain = await comment(reviewer, p, {
      body: 'plain',
      anchor: { kind: 'media', jobId: render.jobId, startSec: 0 },
    });
    const drawn = await comment(reviewer, p, {
      body: 'drawn',
      anchor: { kind: 'media', jobId: render.jobId, startSec: 1, drawing: arrow('#ff00ff') },
    });
    const same = await comment(reviewer, p, {
      body: 'same',
      anchor: { kind: 'media', jobId: render.jobId, startSec: 1 },
    });
    const { comments } = await loadReviewFeedback(h.db.sql, p);
    const frames = await loadMediaFrames(h.db.sql, h.deps.blobStore, p, comments, {
      ...MEDIA_FRAME_LIMITS,
      maxFrames: 1,
    });
    const got = (c: typeof plain) => frames.get(c.body.comment.id)!;
    expect('image' in got(drawn)).toBe(true);
    // The same video and moment is read once and shared.
    expect(got(same)).toBe(got(drawn));
    expect(got(plain)).toEqual({
      missing: 'Frame at 0:00 not shown: a report shows at most 1 video frames.',
    });
    const green = await meanRgb((got(drawn) as { image: Buffer }).image);
    expect(green[1]).toBeGreaterThan(150);
    expect(green[0]).toBeLessThan(60);
  });
});
