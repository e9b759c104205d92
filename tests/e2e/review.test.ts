/// <reference lib="dom" />

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertScene } from '@clapboard/screenplay';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchChromium, screenshot } from '../support/browser';
import { connectProjectDoc } from '../support/connect-project-doc';
import {
  type Account,
  apiCall as callApi,
  createProject,
  register as registerAccount,
} from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

let stack: Stack;
let browser: Browser;
let projectId: string;
const accounts = {} as Record<'olive' | 'bob' | 'rita', Account>;
const pages = {} as Record<'bob' | 'rita', { page: Page; errors: string[] }>;
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);
const register = (name: string) => registerAccount(stack.baseUrl, name);
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-review-'));
const SCRIPT =
  'INT. KITCHEN - DAY\n\nBob stirs a pot.\n\nBOB\nPass the salt.\n\nEXT. GARDEN - NIGHT\n\nOwls call.\n\nRITA\nListen.\n';

async function signIn(key: 'bob' | 'rita'): Promise<Page> {
  const account = accounts[key];
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  pages[key] = { page, errors: collectErrors(page) };
  await page.goto(`${stack.baseUrl}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
  return page;
}

/**
 * Writes the script and two storyboard scenes through the realtime server, as a collaborator's
 * editor would, and waits until the API reads them back.
 */
async function seedDocument(): Promise<void> {
  const { doc, close } = await connectProjectDoc(stack, accounts.bob.token, projectId);
  doc.transact(() => {
    doc.getText('script').insert(0, SCRIPT);
    for (const [id, heading, character, text] of [
      ['kitchen', 'INT. KITCHEN - DAY', 'BOB', 'Pass the salt.'],
      ['garden', 'EXT. GARDEN - NIGHT', 'RITA', 'Listen.'],
    ] as const) {
      insertScene(doc, Number.POSITIVE_INFINITY, {
        id,
        heading,
        dialogue: [{ character, text, parenthetical: null }],
      });
    }
  });
  // Stored within a batch window; the API reads Postgres, so poll it (hooks cannot use expect.poll).
  const deadline = Date.now() + 10_000;
  const stored = () =>
    apiCall<{ scenes: unknown[] }>(`/projects/${projectId}/review`, { token: accounts.bob.token }).then(
      (r) => r.scenes.length === 2,
    );
  while (!(await stored())) {
    if (Date.now() > deadline) throw new Error('the seeded scenes never reached Postgres');
    await new Promise((r) => setTimeout(r, 100));
  }
  close();
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  accounts.olive = await register('Olive');
  accounts.bob = await register('Bob');
  accounts.rita = await register('Rita');
  projectId = await createProject(stack.baseUrl, accounts.olive, 'Owl Night', [
    [accounts.bob, 'editor'],
    [accounts.rita, 'reviewer'],
  ]);
  await seedDocument();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const videoTime = (page: Page) =>
  page.locator('.review-player video').evaluate((v: HTMLVideoElement) => v.currentTime);

describe('review in Chromium: a reviewer and an editor', () => {
  it('the reviewer comments at 0:03 on a video; the editor sees it live and seeks there by clicking', async () => {
    // render.video is not on main yet: this reviews an uploaded video that assets.derive processed,
    // in the same ReviewPlayer the Renders tab uses for finished renders.
    const clip = join(tmp, 'take-1.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x180:rate=24:duration=6',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-y',
      clip,
    ]);
    const bob = await signIn('bob');
    await bob.goto(`${stack.baseUrl}/projects/${projectId}/assets`);
    await bob.locator('#asset-upload').setInputFiles(clip);
    const card = bob.locator('.asset-card', { hasText: 'take-1.mp4' });
    await card.waitFor({ timeout: 20_000 });
    await card.getByRole('button', { name: 'Make previews' }).click();
    await bob.locator('.derive-job video').waitFor({ timeout: 60_000 });

    const rita = await signIn('rita');
    await Promise.all([bob, rita].map((p) => p.goto(`${stack.baseUrl}/projects/${projectId}/review`)));
    for (const p of [bob, rita]) await p.locator('.review-player video').waitFor();
    await rita.locator('.review-player video').evaluate(
      (v: HTMLVideoElement) =>
        new Promise<void>((resolve) => {
          const seek = () => {
            v.addEventListener('seeked', () => resolve(), { once: true });
            v.currentTime = 3;
          };
          if (v.readyState >= 1) seek();
          else v.addEventListener('loadedmetadata', seek, { once: true });
        }),
    );
    await rita.getByLabel('Comment at 0:03').fill('Cut here, the **colour bars** run long');
    await rita.getByRole('button', { name: 'Comment at 0:03' }).click();

    const thread = bob.locator('.review-player .thread', { hasText: 'Cut here' });
    await thread.waitFor({ timeout: 5_000 });
    expect(await thread.locator('strong', { hasText: 'colour bars' }).count()).toBe(1);
    await bob.getByRole('button', { name: 'Jump to the comment at 0:03' }).waitFor();
    expect(await videoTime(bob)).toBeLessThan(1);
    await thread.getByRole('button', { name: '0:03' }).click();
    await expect.poll(() => videoTime(bob)).toBeCloseTo(3, 1);
    await screenshot(bob, 'review-video');
  });

  it('the reviewer approves a scene; the editor changes its dialogue; the approval turns stale with the diff, live', async () => {
    const { page: rita } = pages.rita;
    const { page: bob } = pages.bob;
    const kitchen = rita.getByRole('listitem', { name: 'Scene 1: INT. KITCHEN - DAY' });
    await kitchen.getByText('Not reviewed').waitFor();
    await kitchen.getByRole('button', { name: 'Approve' }).click();
    await kitchen.locator('.chip[data-status="approved"]').waitFor();
    // The editor hears about the decision in their inbox, live.
    await bob.getByRole('button', { name: 'Inbox, 1 unread' }).waitFor({ timeout: 5_000 });

    await bob.getByRole('link', { name: 'Script' }).click();
    await bob.locator('output.conn[data-status="connected"]').waitFor({ timeout: 15_000 });
    await bob.locator('.cm-line', { hasText: 'Pass the salt.' }).click();
    await bob.keyboard.press('End');
    await bob.keyboard.type(' And the pepper.');

    await kitchen.locator('.chip[data-status="stale"]').waitFor({ timeout: 10_000 });
    const diff = kitchen.locator('.stale-diff');
    await diff.locator('.diff-add', { hasText: 'Pass the salt. And the pepper.' }).waitFor();
    await diff.locator('.diff-remove', { hasText: 'Pass the salt.' }).waitFor();
    // The other scene was untouched and is still not reviewed, not stale.
    await rita
      .getByRole('listitem', { name: 'Scene 2: EXT. GARDEN - NIGHT' })
      .locator('.chip[data-status="not_reviewed"]')
      .waitFor();
    await screenshot(rita, 'review-stale');
    expect(pages.rita.errors).toEqual([]);
    expect(pages.bob.errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
  });
});
