/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchChromium, screenshot } from '../support/browser';
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
const accounts: Record<'alice' | 'bob' | 'vera', Account> = {} as never;
const sessions: Record<string, { context: BrowserContext; page: Page; errors: string[] }> = {};
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);
const register = (name: string) => registerAccount(stack.baseUrl, name);
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-media-'));

/**
 * Records every value a progress bar matching `selector` shows, from the moment it appears, with
 * the status its `.job-progress` showed at that moment.
 */
async function recordProgressBar(
  page: Page,
  selector: string,
): Promise<{ seen(): Promise<number[]>; states(): Promise<Array<{ value: number; status: string }>> }> {
  await page.evaluate((sel) => {
    const w = window as unknown as { barSeen: Array<{ value: number; status: string }> };
    w.barSeen = [];
    const record = () => {
      const bar = document.querySelector<HTMLProgressElement>(sel);
      const status = bar?.closest('.job-progress')?.getAttribute('data-status') ?? '';
      const last = w.barSeen.at(-1);
      if (bar && (last?.value !== bar.value || last.status !== status))
        w.barSeen.push({ value: bar.value, status });
    };
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, selector);
  const states = () =>
    page.evaluate(() => (window as unknown as { barSeen: Array<{ value: number; status: string }> }).barSeen);
  return {
    states,
    seen: async () => (await states()).map((s) => s.value).filter((v, i, all) => i === 0 || all[i - 1] !== v),
  };
}

/** A <video>'s duration once its metadata has loaded (seconds). */
function videoDuration(video: Locator): Promise<number> {
  return video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((r) =>
        Number.isFinite(v.duration) && v.duration > 0
          ? r(v.duration)
          : v.addEventListener('loadedmetadata', () => r(v.duration), { once: true }),
      ),
  );
}

/** Signs in through the login form in a fresh browser context. */
async function signIn(key: keyof typeof accounts): Promise<Page> {
  const account = accounts[key];
  const context = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const page = await context.newPage();
  const errors = collectErrors(page);
  sessions[key] = { context, page, errors };
  await page.goto(`${stack.baseUrl}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
  return page;
}

/** The script text as shown, without the remote carets' name labels that sit inside the lines. */
const editorText = (page: Page) =>
  page.locator('.cm-content').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.cm-ySelectionCaret')) caret.remove();
    return [...copy.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n');
  });

async function openScript(page: Page): Promise<void> {
  await page.goto(`${stack.baseUrl}/projects/${projectId}/script`);
  await page.locator('output.conn[data-status="connected"]').waitFor({ timeout: 15_000 });
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  accounts.alice = await register('Alice');
  accounts.bob = await register('Bob');
  accounts.vera = await register('Vera');
  projectId = await createProject(stack.baseUrl, accounts.alice, 'Night Shoot', [
    [accounts.bob, 'editor'],
    [accounts.vera, 'viewer'],
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the studio in Chromium', () => {
  it('signs in, shows the dashboard, and answers unknown routes with a 404 page', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.baseUrl}/login`);
    await page.getByRole('heading', { name: 'Sign in to Clapboard' }).waitFor();
    await screenshot(page, 'sign-in');
    await page.close();

    const alice = await signIn('alice');
    await alice.getByRole('link', { name: 'Night Shoot' }).waitFor();
    await screenshot(alice, 'dashboard');
    await alice.goto(`${stack.baseUrl}/no/such/page`);
    await alice.getByRole('heading', { name: 'Page not found' }).waitFor();
  });

  it('two editors co-write the script: each sees the other’s text within a second, and their cursor', async () => {
    const alice = sessions.alice!.page;
    const bob = await signIn('bob');
    await Promise.all([openScript(alice), openScript(bob)]);

    await alice.locator('.cm-content').click();
    await alice.keyboard.type('INT. KITCHEN - DAY\n\nAlice chops onions.\n\nEXT. GARDEN - NIGHT\n\n');
    await bob.waitForFunction(
      () => document.querySelector('.cm-content')?.textContent?.includes('EXT. GARDEN - NIGHT'),
      undefined,
      { timeout: 1_000 },
    );
    await bob.locator('.cm-content').press('Control+End');
    await bob.keyboard.type('Bob waters the roses.');
    await alice.waitForFunction(
      () => document.querySelector('.cm-content')?.textContent?.includes('Bob waters the roses.'),
      undefined,
      { timeout: 1_000 },
    );
    // Each sees the other's caret labelled with their name, and their avatar in the presence bar.
    await bob.locator('.cm-ySelectionInfo', { hasText: 'Alice' }).waitFor({ state: 'attached' });
    await alice.locator('.cm-ySelectionInfo', { hasText: 'Bob' }).waitFor({ state: 'attached' });
    await alice.getByRole('button', { name: 'Follow Bob' }).waitFor();
    // The outline is parsed from the shared text and lists both scenes.
    const outline = alice.getByRole('navigation', { name: 'Scene outline' });
    await outline.getByRole('button', { name: /EXT\. GARDEN - NIGHT/ }).waitFor();
    expect(await outline.getByRole('listitem').count()).toBe(2);
    await screenshot(alice, 'script');
  });

  it('a viewer sees the script read-only and cannot type into it', async () => {
    const vera = await signIn('vera');
    await openScript(vera);
    await vera.waitForFunction(() =>
      document.querySelector('.cm-content')?.textContent?.includes('Bob waters'),
    );
    await vera.getByText('Read-only (viewer)').waitFor();
    expect(await vera.locator('.cm-content').getAttribute('contenteditable')).toBe('false');
    const before = await editorText(vera);
    await vera.locator('.cm-content').click();
    await vera.keyboard.type('VIEWER WAS HERE');
    expect(await editorText(vera)).toBe(before);
    // Nor did anything reach the others.
    expect(await editorText(sessions.alice!.page)).not.toContain('VIEWER WAS HERE');
    await sessions.vera!.context.close();
  });

  it('edits made offline are kept and merge with the team’s on reconnect', async () => {
    const { page: alice, context } = sessions.alice!;
    const bob = sessions.bob!.page;
    await context.setOffline(true);
    await alice.locator('output.conn[data-status="offline"]').waitFor();
    await alice.locator('.cm-content').press('Control+End');
    await alice.keyboard.type(' Offline line from Alice.');
    await bob.locator('.cm-content').press('Control+Home');
    await bob.keyboard.type('Title: Night Shoot\n\n');
    // Bob cannot have Alice's offline edit yet.
    await alice.waitForFunction(() =>
      document.querySelector('.cm-content')?.textContent?.includes('Offline line'),
    );
    expect(await editorText(bob)).not.toContain('Offline line from Alice.');
    await context.setOffline(false);
    await alice.locator('output.conn[data-status="connected"]').waitFor({ timeout: 15_000 });
    for (const page of [alice, bob]) {
      await page.waitForFunction(
        () => {
          const t = document.querySelector('.cm-content')?.textContent ?? '';
          return t.includes('Offline line from Alice.') && t.startsWith('Title: Night Shoot');
        },
        undefined,
        { timeout: 10_000 },
      );
    }
    expect(await editorText(alice)).toBe(await editorText(bob));
  });

  it('syncs scenes from the script after a preview, and a reorder in one browser shows in the other', async () => {
    const alice = sessions.alice!.page;
    const bob = sessions.bob!.page;
    await alice.getByRole('link', { name: 'Storyboard' }).click();
    await alice.getByRole('button', { name: 'Sync from script' }).click();
    const dialog = alice.getByRole('dialog', { name: 'Sync scenes from the script' });
    await dialog.getByText('New scene 2: EXT. GARDEN - NIGHT').waitFor();
    await dialog.getByRole('button', { name: 'Apply changes' }).click();

    await bob.goto(`${stack.baseUrl}/projects/${projectId}/storyboard`);
    const headings = (page: Page) => page.locator('.scene-card .scene-heading').allInnerTexts();
    await expect.poll(() => headings(bob)).toEqual(['1. INT. KITCHEN - DAY', '2. EXT. GARDEN - NIGHT']);

    await alice.getByRole('button', { name: 'Move INT. KITCHEN - DAY later' }).click();
    await expect.poll(() => headings(bob)).toEqual(['1. EXT. GARDEN - NIGHT', '2. INT. KITCHEN - DAY']);

    // The scene panel writes fields into the shared scene map.
    await bob
      .getByRole('button', { name: /INT\. KITCHEN - DAY/ })
      .first()
      .click();
    await bob.getByLabel('Camera').selectOption('zoom-in');
    await expect
      .poll(() => alice.locator('.scene-card', { hasText: 'KITCHEN' }).textContent())
      .toContain('zoom-in');
    await screenshot(alice, 'storyboard');
  });

  it('draws 4 frame variations side by side as the worker makes them; picking one sets the frame for everyone', async () => {
    const alice = sessions.alice!.page;
    const bob = sessions.bob!.page;
    await alice
      .getByRole('button', { name: /INT\. KITCHEN - DAY/ })
      .first()
      .click();
    const panel = alice.locator('.scene-panel');
    await panel.getByRole('button', { name: '4 variations' }).click();
    await panel.locator('.job-progress[data-status="completed"]').waitFor({ timeout: 60_000 });
    const choices = panel.locator('.variations .variation');
    expect(await choices.count()).toBe(4);
    // Every picture has loaded, and they sit side by side (two to a row).
    await expect
      .poll(() =>
        panel
          .locator('.variations img')
          .evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length),
      )
      .toBe(4);
    const [first, second] = [await choices.nth(0).boundingBox(), await choices.nth(1).boundingBox()];
    expect(Math.abs(first!.y - second!.y)).toBeLessThan(1);
    expect(second!.x).toBeGreaterThanOrEqual(first!.x + first!.width);
    const ids = await choices.evaluateAll((b) => b.map((x) => x.getAttribute('data-asset-id')));
    expect(new Set(ids).size).toBe(4);

    await choices.nth(1).click();
    expect(await choices.nth(1).getAttribute('aria-pressed')).toBe('true');
    // The pick is a change to the shared scene: Bob's card shows that frame.
    const bobCard = bob.locator('.scene-card', { hasText: 'KITCHEN' });
    await expect
      .poll(() => bobCard.locator('img').getAttribute('src'), { timeout: 10_000 })
      .toContain(ids[1]!);
    expect(await bobCard.locator('.scene-status').textContent()).toBe('Frame ready');
    await screenshot(alice, 'variations');
  });

  it('runs a job from the UI with a moving progress bar over Socket.IO and ends in a playable video', async () => {
    // The Assets tab's preview job (assets.derive) through the same watch/progress UI as renders.
    const video = join(tmp, 'clip.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x180:rate=24:duration=3',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'libx264',
      '-y',
      video,
    ]);
    const alice = sessions.alice!.page;
    await alice.getByRole('link', { name: 'Assets' }).click();
    await alice.locator('#asset-upload').setInputFiles(video);
    const card = alice.locator('.asset-card', { hasText: 'clip.mp4' });
    await card.waitFor({ timeout: 20_000 });

    // Record every value the progress bar shows, from the moment it appears.
    const bar = await recordProgressBar(alice, '.derive-job progress');
    await card.getByRole('button', { name: 'Make previews' }).click();
    const job = alice.locator('.derive-job');
    await job.locator('video').waitFor({ timeout: 60_000 });
    const seen = await bar.seen();
    expect(seen.at(-1)).toBe(100);
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true);
    expect(await job.locator('.badge').textContent()).toBe('completed');

    const jobId = (await job.getAttribute('data-job-id'))!;
    const detail = await apiCall<{ outputs: Array<{ name: string; value?: { durationSec?: number } }> }>(
      `/jobs/${jobId}`,
      { token: accounts.alice.token },
    );
    const probed = detail.outputs.find((o) => o.name === 'probe')?.value?.durationSec;
    expect(probed).toBeCloseTo(3, 1);
    const duration = await videoDuration(job.locator('video'));
    expect(Math.abs(duration - probed!)).toBeLessThan(0.1);
    await screenshot(alice, 'assets');
  });

  it('renders the storyboard from the Renders tab: a moving progress bar, then a video whose duration matches the job', async () => {
    const alice = sessions.alice!.page;
    await alice.getByRole('link', { name: 'Renders' }).click();
    await alice.getByRole('heading', { name: 'New render' }).waitFor();
    await alice.locator('#render-resolution').selectOption('480p');
    await alice.locator('#render-aspect').selectOption('16:9');
    // Nothing rendered on this deployment yet: the estimate says it is a first one.
    await alice
      .getByTestId('render-estimate')
      .getByText(/first estimate/)
      .waitFor();
    // Record every value any render progress bar shows, from the moment it appears.
    const bar = await recordProgressBar(alice, '.render-row progress');
    await alice.getByRole('button', { name: 'Start render' }).click();
    const row = alice.locator('.render-row[data-status="completed"]');
    await row.locator('video').waitFor({ timeout: 120_000 });
    const seen = await bar.seen();
    expect(seen.at(-1)).toBe(100);
    // The bar moved: it showed values strictly between 0 and 100 before finishing.
    expect(new Set(seen.filter((v) => v > 0 && v < 100)).size).toBeGreaterThan(1);
    // 100 only ever shows beside the status completed.
    const at100 = (await bar.states()).filter((s) => s.value === 100);
    expect(at100.length).toBeGreaterThan(0);
    expect(at100.every((s) => s.status === 'completed')).toBe(true);
    // The finished row shows the estimate and the measured actual, cost and worker-seconds.
    const cost = row.getByTestId('job-cost');
    await expect
      .poll(() => cost.textContent(), { timeout: 10_000 })
      .toMatch(/^est\. <?\$\d+\.\d{4} · [\d.]+ s — actual <?\$\d+\.\d{4} · [\d.]+ s$/);
    const actualSec = Number(/actual <?\$[\d.]+ · ([\d.]+) s/.exec((await cost.textContent())!)![1]);
    expect(actualSec).toBeGreaterThan(0);

    const jobId = (await row.getAttribute('data-job-id'))!;
    const detail = await apiCall<{
      type: string;
      versionId: string | null;
      outputs: Array<{ name: string; value?: { durationSec?: number } }>;
    }>(`/jobs/${jobId}`, {
      token: accounts.alice.token,
    });
    expect(detail.type).toBe('render.video');
    expect(detail.versionId).not.toBeNull();
    const expected = detail.outputs.find((o) => o.name === 'video')?.value?.durationSec;
    expect(expected).toBeGreaterThan(1);
    const duration = await videoDuration(row.locator('video'));
    expect(Math.abs(duration - expected!)).toBeLessThan(0.1);
    expect(await row.locator('track[kind="subtitles"]').count()).toBe(1);
    // The finished row offers its deliverables: an EDL at 29.97 comes down with drop-frame timecode.
    await row.getByLabel('timeline fps').selectOption('29.97');
    const [download] = await Promise.all([
      alice.waitForEvent('download'),
      row.getByRole('button', { name: '.edl' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`-render-${jobId.slice(0, 8)}\\.edl$`));
    const edl = readFileSync((await download.path())!, 'utf8');
    expect(edl).toContain('FCM: DROP FRAME');
    expect(edl).toMatch(/^001 {2}AX +B +C +00:00:00;00 /m);
    await screenshot(alice, 'render-finished');
  });

  it('renders, settings, job history and account pages load without console errors', async () => {
    const { page: alice, errors } = sessions.alice!;
    await alice.getByRole('link', { name: 'Renders' }).click();
    await alice.getByRole('heading', { name: 'New render' }).waitFor();
    await alice
      .getByTestId('render-estimate')
      .getByText(/Spent \$/)
      .waitFor();
    await screenshot(alice, 'renders');
    await alice.getByRole('link', { name: 'Settings' }).click();
    await alice.getByRole('cell', { name: 'Vera', exact: true }).waitFor();
    await screenshot(alice, 'settings');
    await alice.getByRole('link', { name: 'Review' }).click();
    await alice.getByRole('heading', { name: 'Review', exact: true }).waitFor();
    await alice.getByRole('link', { name: 'Jobs' }).click();
    await alice.getByRole('link', { name: 'Thumbnails and preview strip' }).waitFor();
    // Every job here has finished: 100 % exactly for the completed ones, each with its actual.
    await alice.getByRole('link', { name: 'Render video' }).first().waitFor();
    const rows = await alice.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        status: tr.getAttribute('data-status'),
        percent: tr.querySelector('[data-percent]')?.getAttribute('data-percent'),
        cost: tr.textContent ?? '',
      })),
    );
    expect(rows.some((r) => r.status === 'completed')).toBe(true);
    for (const r of rows) {
      expect(r.percent === '100').toBe(r.status === 'completed');
      if (r.status === 'completed') expect(r.cost).toMatch(/est\. <?\$[\d.]+ · [\d.]+ s — actual <?\$[\d.]+/);
    }
    await screenshot(alice, 'jobs');
    await alice.goBack();
    await alice.getByRole('heading', { name: 'Review', exact: true }).waitFor();
    await alice.getByRole('link', { name: 'Alice' }).click();
    await alice.getByRole('heading', { name: 'Account', exact: true }).waitFor();
    await screenshot(alice, 'account');
    // Going offline on purpose makes Chromium log failed connections; nothing else may be logged.
    const unexpected = errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|WebSocket connection/.test(e));
    expect(unexpected).toEqual([]);
    expect(sessions.bob!.errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
  });
});
