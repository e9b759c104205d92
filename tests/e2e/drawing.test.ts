/// <reference lib="dom" />

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { insertScene } from '@clapboard/screenplay';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signIn } from '../support/browser';
import { connectProjectDoc } from '../support/connect-project-doc';
import {
  type Account,
  apiCall as callApi,
  createProject,
  register as registerAccount,
} from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

/**
 * Drawing annotations in Chromium: a reviewer draws an arrow on a storyboard frame and on a video
 * frame with the mouse; an editor sees each stroke live before it is posted, and the posted
 * comment's drawing after a reload; a viewer sees it with no tools. The stored anchors hold the
 * drawing in normalised coordinates where the mouse went.
 */

type Who = 'bob' | 'rita' | 'vera';
let stack: Stack;
let browser: Browser;
let projectId: string;
let videoId: string;
const accounts = {} as Record<'olive' | Who, Account>;
const pages = {} as Record<Who, { page: Page; errors: string[] }>;
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-drawing-'));
const KITCHEN = 'INT. KITCHEN - DAY';

interface StoredComment {
  id: string;
  body: string;
  anchor: {
    kind: string;
    sceneId?: string;
    assetId?: string;
    drawing?: Array<{ kind: string; points: Array<[number, number]> }>;
  };
}

/** Uploads a file as an asset of the project through the API's multipart upload; returns its id. */
async function upload(path: string, type: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(path)], { type }), basename(path));
  const res = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/assets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accounts.bob.token}` },
    body: form,
  });
  if (!res.ok) throw new Error(`upload ${path}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', ...args, '-y']);

/** A storyboard scene whose frame is an uploaded picture, and a video to review. */
async function seed(): Promise<void> {
  const still = join(tmp, 'kitchen.png');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=1', '-frames:v', '1', still);
  const clip = join(tmp, 'take-2.mp4');
  ffmpeg(
    // Portrait, as phones shoot: the player pillarboxes it, and drawings must sit on the picture.
    ...['-f', 'lavfi', '-i', 'testsrc=size=180x320:rate=24:duration=4'],
    ...['-pix_fmt', 'yuv420p', '-c:v', 'libx264', clip],
  );
  const frameAssetId = await upload(still, 'image/png');
  videoId = await upload(clip, 'video/mp4');

  const { doc, close } = await connectProjectDoc(stack, accounts.bob.token, projectId);
  doc.transact(() => {
    doc.getText('script').insert(0, `${KITCHEN}\n\nBob stirs a pot.\n`);
    insertScene(doc, 0, { id: 'kitchen', heading: KITCHEN, frameAssetId });
  });
  // Stored within a batch window; the API reads Postgres, so poll it (hooks cannot use expect.poll).
  const deadline = Date.now() + 10_000;
  const stored = () =>
    apiCall<{ scenes: Array<{ frameAssetId: string | null }> }>(`/projects/${projectId}/review`, {
      token: accounts.bob.token,
    }).then((r) => r.scenes[0]?.frameAssetId === frameAssetId);
  while (!(await stored())) {
    if (Date.now() > deadline) throw new Error('the seeded scene never reached Postgres');
    await new Promise((r) => setTimeout(r, 100));
  }
  close();
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  for (const [key, name] of [
    ['olive', 'Olive'],
    ['bob', 'Bob'],
    ['rita', 'Rita'],
    ['vera', 'Vera'],
  ] as const)
    accounts[key] = await registerAccount(stack.baseUrl, name);
  projectId = await createProject(stack.baseUrl, accounts.olive, 'Drawn Notes', [
    [accounts.bob, 'editor'],
    [accounts.rita, 'reviewer'],
    [accounts.vera, 'viewer'],
  ]);
  await seed();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Opens the project's Review tab for `who` (signing in the first time). */
async function openReview(who: Who): Promise<Page> {
  pages[who] ??= await signIn(browser, stack.baseUrl, accounts[who]);
  const { page } = pages[who];
  await page.goto(`${stack.baseUrl}/projects/${projectId}/review`);
  return page;
}

/** Drags the mouse from `from` to `to` (fractions of the overlay's box) over an SVG overlay. */
async function drag(page: Page, svg: Locator, from: [number, number], to: [number, number]): Promise<void> {
  await svg.scrollIntoViewIfNeeded();
  const box = (await svg.boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  await page.mouse.move(...at(to), { steps: 12 });
  await page.mouse.up();
}

/** The coordinates of the arrows drawn in an overlay (in its 0–1 viewBox). */
const arrows = (svg: Locator) =>
  svg
    .locator('line[marker-end]')
    .evaluateAll((lines) => lines.map((l) => ['x1', 'y1', 'x2', 'y2'].map((a) => Number(l.getAttribute(a)))));

/** Each number is within ±0.03 of the expected one. */
function expectNear(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [i, v] of actual.entries())
    expect(Math.abs(v - expected[i]!), `${actual} vs ${expected}`).toBeLessThanOrEqual(0.03);
}

/**
 * Waits (5 s at most) until the overlay shows one arrow, ending where the mouse went: the live
 * copy passes through the stroke's earlier states (sent at most every 50 ms) before its last one.
 */
async function arrivesLive(svg: Locator, expected: number[]): Promise<void> {
  const near = (a: number[] | undefined) => !!a && a.every((v, i) => Math.abs(v - expected[i]!) <= 0.03);
  await expect.poll(async () => (await arrows(svg)).map((a) => near(a)), { timeout: 5_000 }).toEqual([true]);
}

let handshakes = 0;
/**
 * Waits until both pages are in the project's Socket.IO room (the live relay reaches only sockets
 * watching it): a project comment posted now shows on each only through the room's comment event.
 */
async function bothInRoom(...open: Page[]): Promise<void> {
  const body = `Handshake ${++handshakes}`;
  await apiCall('/projects/' + projectId + '/comments', {
    method: 'POST',
    json: { body },
    token: accounts.olive.token,
  });
  for (const p of open)
    await p.getByRole('region', { name: 'General comments' }).getByText(body).waitFor({ timeout: 10_000 });
}

const sceneComments = () =>
  apiCall<{ items: StoredComment[] }>(`/projects/${projectId}/comments`, { token: accounts.bob.token }).then(
    (r) => r.items.filter((c) => c.anchor.kind === 'scene'),
  );

async function storedComment(body: string): Promise<StoredComment> {
  const { items } = await apiCall<{ items: StoredComment[] }>(`/projects/${projectId}/comments`, {
    token: accounts.bob.token,
  });
  const found = items.find((c) => c.body.includes(body));
  if (!found) throw new Error(`no comment "${body}"`);
  return found;
}

describe('drawing annotations in Chromium', () => {
  it('an arrow on a storyboard frame: live for the editor while drawn, stored with the comment, shown again on selecting it', async () => {
    const [rita, bob] = [await openReview('rita'), await openReview('bob')];
    const card = (p: Page) => p.getByRole('listitem', { name: `Scene 1: ${KITCHEN}` });
    for (const p of [rita, bob])
      await expect
        .poll(() =>
          card(p)
            .locator('.scene-frame img')
            .evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth > 0),
        )
        .toBe(true);
    await bothInRoom(rita, bob);

    await card(rita).getByRole('button', { name: 'Arrow' }).click();
    const ritaSvg = card(rita).locator('.scene-frame svg.drawing');
    await drag(rita, ritaSvg, [0.2, 0.3], [0.7, 0.6]);
    expectNear((await arrows(ritaSvg))[0]!, [0.2, 0.3, 0.7, 0.6]);

    // Bob sees the stroke before anything is posted.
    const bobSvg = card(bob).locator('.scene-frame svg.drawing');
    await arrivesLive(bobSvg, [0.2, 0.3, 0.7, 0.6]);
    expect((await sceneComments()).length).toBe(0);
    await screenshot(bob, 'drawing-live-storyboard');

    await card(rita).getByLabel(`Comment on ${KITCHEN}`).fill('Move the pot here');
    await card(rita).getByRole('button', { name: 'Comment with drawing' }).click();
    // Posted: Rita's draft and the live copy on Bob's frame are gone; the comment arrives.
    await card(bob).locator('.thread', { hasText: 'Move the pot here' }).waitFor({ timeout: 5_000 });
    await expect.poll(async () => await card(bob).locator('svg.drawing line').count()).toBe(0);

    const stored = await storedComment('Move the pot here');
    expect(stored.anchor.kind).toBe('scene');
    expect(stored.anchor.sceneId).toBe('kitchen');
    expect(stored.anchor.drawing).toHaveLength(1);
    expect(stored.anchor.drawing![0]!.kind).toBe('arrow');
    expectNear(stored.anchor.drawing![0]!.points.flat(), [0.2, 0.3, 0.7, 0.6]);

    // After a reload, selecting the comment shows its drawing over the frame.
    await bob.reload();
    const thread = card(bob).locator('.thread', { hasText: 'Move the pot here' });
    await thread.getByRole('button', { name: 'Show the drawing on the frame' }).click();
    await expect.poll(async () => (await arrows(bobSvg)).length).toBe(1);
    expectNear((await arrows(bobSvg))[0]!, [0.2, 0.3, 0.7, 0.6]);
    await screenshot(bob, 'drawing-selected-storyboard');

    // The storyboard's scene panel shows the same frame and comments.
    await bob.getByRole('link', { name: 'Storyboard' }).click();
    await bob
      .getByRole('button', { name: new RegExp(KITCHEN) })
      .first()
      .click();
    const panel = bob.locator('.scene-panel');
    await panel.getByRole('button', { name: 'Show the drawing on the frame' }).click();
    await expect.poll(async () => (await arrows(panel.locator('svg.drawing'))).length).toBe(1);
    expectNear((await arrows(panel.locator('svg.drawing')))[0]!, [0.2, 0.3, 0.7, 0.6]);
    await screenshot(bob, 'drawing-scene-panel');

    // A viewer sees the drawing too, with no tools.
    const vera = await openReview('vera');
    const veraThread = card(vera).locator('.thread', { hasText: 'Move the pot here' });
    await veraThread.getByRole('button', { name: 'Show the drawing on the frame' }).click();
    await expect.poll(async () => (await arrows(card(vera).locator('svg.drawing'))).length).toBe(1);
    expect(await card(vera).getByRole('toolbar', { name: 'Drawing tools' }).count()).toBe(0);
    expect(await card(vera).getByLabel(`Comment on ${KITCHEN}`).count()).toBe(0);
  });

  it('an arrow on a video frame in the review player: live, then stored with the timed comment', async () => {
    const [rita, bob] = [await openReview('rita'), await openReview('bob')];
    const player = (p: Page) => p.locator('.review-player');
    for (const p of [rita, bob])
      await player(p)
        .locator('video')
        .evaluate(
          (v: HTMLVideoElement) =>
            new Promise<void>((r) =>
              v.readyState >= 1 ? r() : v.addEventListener('loadedmetadata', () => r(), { once: true }),
            ),
        );
    await bothInRoom(rita, bob);
    await player(rita).getByRole('button', { name: 'Arrow' }).click();
    // The overlay covers the picture, not the bars beside it: 0–1 is the frame itself.
    const fit = await player(rita).evaluate((el) => {
      const v = el.querySelector('video') as HTMLVideoElement;
      const r = v.getBoundingClientRect();
      const s = el.querySelector('svg.drawing')!.getBoundingClientRect();
      const scale = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
      const [w, h] = [v.videoWidth * scale, v.videoHeight * scale];
      return {
        overlay: [s.left - r.left, s.top - r.top, s.width, s.height],
        picture: [(r.width - w) / 2, (r.height - h) / 2, w, h],
        element: [r.width, r.height],
      };
    });
    expect(fit.picture[2]!, JSON.stringify(fit)).toBeLessThan(fit.element[0]! - 20);
    for (const [i, v] of fit.overlay.entries())
      expect(Math.abs(v - fit.picture[i]!), JSON.stringify(fit)).toBeLessThan(1.5);
    const ritaSvg = player(rita).locator('svg.drawing');
    await drag(rita, ritaSvg, [0.25, 0.2], [0.6, 0.75]);
    expectNear((await arrows(ritaSvg))[0]!, [0.25, 0.2, 0.6, 0.75]);

    const bobSvg = player(bob).locator('svg.drawing');
    await arrivesLive(bobSvg, [0.25, 0.2, 0.6, 0.75]);
    await screenshot(bob, 'drawing-live-video');

    await player(rita).getByLabel('Comment at 0:00').fill('The bars bleed here');
    await player(rita).getByRole('button', { name: 'Comment at 0:00' }).click();
    await player(bob).locator('.thread', { hasText: 'The bars bleed here' }).waitFor({ timeout: 5_000 });
    await expect.poll(async () => (await arrows(bobSvg)).length).toBe(0);

    const stored = await storedComment('The bars bleed here');
    expect(stored.anchor.kind).toBe('media');
    expect(stored.anchor.assetId).toBe(videoId);
    expect(stored.anchor.drawing![0]!.kind).toBe('arrow');
    expectNear(stored.anchor.drawing![0]!.points.flat(), [0.25, 0.2, 0.6, 0.75]);

    await bob.reload();
    const thread = player(bob).locator('.thread', { hasText: 'The bars bleed here' });
    await thread.getByRole('button', { name: '0:00' }).click();
    await expect.poll(async () => (await arrows(bobSvg)).length).toBe(1);
    expectNear((await arrows(bobSvg))[0]!, [0.25, 0.2, 0.6, 0.75]);

    expect(pages.rita.errors).toEqual([]);
    expect(pages.bob.errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
    expect(pages.vera.errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
  });
});
