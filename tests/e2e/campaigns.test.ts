/// <reference lib="dom" />
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signIn } from '../support/browser';
import { type Account, apiCall, register } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

let stack: Stack;
let browser: Browser;
const accounts = {} as Record<'olive' | 'eddie' | 'gina', Account>;
const sessions = {} as Record<'olive' | 'eddie' | 'gina', { page: Page; errors: string[] }>;
const ids = { campaign: '', project: '', kit: '' };

const MUST_SAY = ['Now in every café', 'Creamy without the cow'];
/** The brand kit's own must-say line: drafts speak it too. */
const KIT_MUST_SAY = 'Oat house';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40"><rect width="120" height="40" rx="8" fill="#2e7d32"/><circle cx="20" cy="20" r="10" fill="#fff"/></svg>';
const PROJECT = 'Oat Milk Launch Film';
const VERTICAL = '9:16 · 15 s (Reels, Shorts, TikTok)';
const SQUARE = '1:1 · 30 s (feeds)';

/**
 * Signs `key` in (a browser context of their own) and collects, besides console errors, every API
 * answer of 400 or more, named: the app must never send a request the person's role is refused.
 */
async function signInAs(key: keyof typeof accounts): Promise<Page> {
  sessions[key] = await signIn(browser, stack.baseUrl, accounts[key]);
  const { page, errors } = sessions[key];
  page.on('response', (r) => {
    if (r.status() >= 400)
      errors.push(
        `${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`,
      );
  });
  return page;
}

/** The script as shown, without the remote carets' name labels that sit inside the lines. */
const editorText = (page: Page) =>
  page.locator('.cm-content').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.cm-ySelectionCaret')) caret.remove();
    return [...copy.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n');
  });

/** Waits until the page's script editor holds `text` (edits arrive over the realtime server). */
const waitForScript = (page: Page, text: string, timeout = 5_000) =>
  page.waitForFunction((t) => document.querySelector('.cm-content')?.textContent?.includes(t), text, {
    timeout,
  });

async function openScript(page: Page): Promise<void> {
  await page.goto(`${stack.baseUrl}/projects/${ids.project}/script`);
  await page.locator('output.conn[data-status="connected"]').waitFor({ timeout: 15_000 });
}

/** A <video>'s duration once its metadata loaded (seconds): the player has the signed file. */
const videoDuration = (video: Locator) =>
  video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) =>
        Number.isFinite(v.duration) && v.duration > 0
          ? resolve(v.duration)
          : v.addEventListener('loadedmetadata', () => resolve(v.duration), { once: true }),
      ),
  );

/** Opens a section of the client's or campaign's page (`nav`: "Client sections", "Campaign sections"). */
const section = (page: Page, nav: string, name: string) =>
  page.getByRole('navigation', { name: nav }).getByRole('link', { name, exact: true }).click();

/** Invites `email` with `role` from the Members section of the client's or campaign's page. */
async function invite(page: Page, nav: string, email: string, role: string): Promise<void> {
  await section(page, nav, 'Members');
  await page.getByLabel('Invite by email').fill(email);
  await page.locator('select[id$="-members-role"]').selectOption(role);
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.locator('tr', { hasText: email }).waitFor();
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  accounts.olive = await register(stack.baseUrl, 'Olive');
  accounts.eddie = await register(stack.baseUrl, 'Eddie');
  accounts.gina = await register(stack.baseUrl, 'Gina');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('campaigns in Chromium: brief → drafted storyboard → variants → the client approves', () => {
  it('an owner creates a client, a campaign and a project, writes a brief and drafts the storyboard from the template', async () => {
    const olive = await signInAs('olive');
    await olive.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
    await olive.getByLabel('New client name').fill('Oatly Fields');
    await olive.getByRole('button', { name: 'Create client' }).click();
    await olive.getByRole('heading', { name: 'Oatly Fields' }).waitFor();
    // The client's own reviewer, as a guest of the client.
    await invite(olive, 'Client sections', accounts.gina.email, 'guest');
    expect(await olive.locator('tr[data-role="guest"]', { hasText: accounts.gina.email }).count()).toBe(1);

    // A brand kit with a logo: the campaign's renders carry its revision.
    await section(olive, 'Client sections', 'Brand kits');
    await olive.getByLabel('New brand kit name').fill('Oat house style');
    await olive.getByRole('button', { name: 'Create brand kit' }).click();
    await olive.getByRole('heading', { name: 'Brand kit: Oat house style' }).waitFor();
    ids.kit = /\/brand-kits\/([0-9a-f-]{36})/.exec(olive.url())![1]!;
    await olive.getByLabel('Upload logo (SVG or PNG)').setInputFiles({
      name: 'logo.svg',
      mimeType: 'image/svg+xml',
      buffer: Buffer.from(LOGO_SVG),
    });
    await olive.getByRole('img', { name: 'Oat house style logo' }).waitFor();
    await olive.getByLabel('Primary colour').fill('#2e7d32');
    await olive.getByLabel('Must-say lines (one per line)').fill(KIT_MUST_SAY);
    await olive.getByRole('button', { name: 'Save brand kit' }).click();
    await olive.getByText('No unsaved changes.').waitFor();
    await screenshot(olive, 'campaign-brand-kit');
    await olive.getByRole('link', { name: 'Oatly Fields' }).click();

    await section(olive, 'Client sections', 'Campaigns');
    await olive.getByLabel('Campaign name').fill('Spring launch');
    await olive.getByLabel('Brand kit').selectOption({ label: 'Oat house style' });
    await olive.getByRole('button', { name: 'Create campaign' }).click();
    await olive.getByRole('heading', { name: 'Spring launch' }).waitFor();
    ids.campaign = /\/campaigns\/([0-9a-f-]{36})\//.exec(olive.url())![1]!;
    // An editor of the campaign holds that role on every project in it.
    await invite(olive, 'Campaign sections', accounts.eddie.email, 'editor');

    await section(olive, 'Campaign sections', 'Projects');
    await olive.getByLabel('New project in this campaign').fill(PROJECT);
    await olive.getByRole('button', { name: 'Create project' }).click();
    await olive.getByRole('heading', { name: 'New brief' }).waitFor();
    ids.project = /\/projects\/([0-9a-f-]{36})\/brief/.exec(olive.url())![1]!;

    // The shared schema checks the form before anything is sent.
    await olive.getByRole('button', { name: 'Create brief' }).click();
    await olive.locator('#brief-title-error', { hasText: 'Required.' }).waitFor();
    await olive.locator('#brief-title').fill('Spring launch: oat milk');
    await olive.getByLabel('Product').fill('Oat milk for coffee');
    await olive.getByLabel('Audience').fill('Busy commuters who love coffee');
    await olive.getByLabel('Key message').fill('Oat milk that foams like the real thing');
    await olive.getByLabel('Must-say lines').fill(MUST_SAY.join('\n'));
    await olive.getByLabel('Banned words').fill('cheap');
    await olive.getByLabel('Lengths (seconds)').fill('15');
    await olive.getByLabel('Call to action').fill('Ask for it at the counter');
    await olive.getByRole('button', { name: 'Create brief' }).click();
    await olive.getByRole('heading', { name: 'Draft the storyboard' }).waitFor();

    await olive.getByRole('button', { name: 'Draft storyboard' }).click();
    const result = olive.locator('.draft-result[data-source="template"]');
    await result.getByText('Template draft — no LLM provider configured').waitFor();
    await screenshot(olive, 'campaign-brief-drafted');

    await result.getByRole('link', { name: 'Open the script' }).click();
    await olive.locator('output.conn[data-status="connected"]').waitFor({ timeout: 15_000 });
    for (const line of [...MUST_SAY, KIT_MUST_SAY]) await waitForScript(olive, line);
    const script = await editorText(olive);
    for (const line of [...MUST_SAY, KIT_MUST_SAY]) expect(script).toContain(line);
    expect(script.toLowerCase()).not.toContain('cheap');
    await section(olive, 'Project sections', 'Storyboard');
    await expect.poll(() => olive.locator('.scene-card').count()).toBeGreaterThanOrEqual(3);
  });

  it('the owner and an editor edit the drafted script together and see each other live', async () => {
    const olive = sessions.olive.page;
    const eddie = await signInAs('eddie');
    await Promise.all([openScript(olive), openScript(eddie)]);
    await waitForScript(eddie, MUST_SAY[0]!);

    await olive.locator('.cm-content').click();
    await olive.locator('.cm-content').press('Control+End');
    await olive.keyboard.type('\n\nOlive: hold on the latte art.');
    await waitForScript(eddie, 'Olive: hold on the latte art.');
    await eddie.locator('.cm-content').click();
    await eddie.locator('.cm-content').press('Control+End');
    await eddie.keyboard.type(' Eddie: then cut to the counter.');
    await waitForScript(olive, 'Eddie: then cut to the counter.');
    expect(await editorText(olive)).toBe(await editorText(eddie));

    // Both open the brief and change it without seeing the other's save: the field only one of
    // them changed lands, the one both changed is shown to the later one, who takes the other's.
    await Promise.all([
      section(olive, 'Project sections', 'Brief'),
      section(eddie, 'Project sections', 'Brief'),
    ]);
    await Promise.all([olive.getByLabel('Tone').waitFor(), eddie.getByLabel('Tone').waitFor()]);
    await eddie.getByLabel('Tone').selectOption('playful');
    await eddie.getByRole('button', { name: 'Save brief' }).click();
    await eddie.getByText('Brief saved.').waitFor();
    await olive.getByLabel('Tone').selectOption('premium');
    await olive.getByLabel('Audience').fill('Commuters who queue for coffee');
    const before = sessions.olive.errors.length;
    await olive.getByRole('button', { name: 'Save brief' }).click();
    const clash = olive.getByTestId('brief-conflicts');
    await expect
      .poll(() => clash.locator('li').allTextContents())
      .toEqual([expect.stringContaining('Tone: theirs is “playful”')]);
    // The one refusal is the stale save itself (unless a refetch showed the clash before it was sent).
    const refused = sessions.olive.errors.splice(before);
    expect(refused.filter((e) => !/^409 PATCH \/api\/v1\/briefs\/|status of 409/.test(e))).toEqual([]);
    expect(await olive.getByLabel('Tone').inputValue()).toBe('premium');
    await clash.getByRole('button', { name: 'Take theirs (Tone)' }).click();
    await clash.waitFor({ state: 'detached' });
    await olive.getByRole('button', { name: 'Save brief' }).click();
    await olive.getByText('Brief saved.').waitFor();
    await eddie.reload();
    await expect.poll(() => eddie.getByLabel('Audience').inputValue()).toBe('Commuters who queue for coffee');
    expect(await eddie.getByLabel('Tone').inputValue()).toBe('playful');
    await eddie.context().close();

    // Drafting again would overwrite the team's script: the owner is asked first, and keeps it.
    const drafts: string[] = [];
    olive.on('request', (r) => r.url().endsWith('/draft') && drafts.push(r.url()));
    await section(olive, 'Project sections', 'Brief');
    await olive.getByRole('button', { name: 'Draft storyboard' }).click();
    const ask = olive.getByRole('alertdialog');
    await ask.getByText('The script is not empty.').waitFor();
    await ask.getByRole('button', { name: 'Keep the script' }).click();
    await ask.waitFor({ state: 'detached' });
    expect(drafts).toEqual([]);
  });

  it('the owner renders two presets at 480p, watches them finish, and shares the project with the client', async () => {
    const olive = sessions.olive.page;
    await section(olive, 'Project sections', 'Variants');
    await olive.getByRole('heading', { name: 'Render platform variants' }).waitFor();
    await olive.getByLabel(VERTICAL).check();
    await olive.getByLabel(SQUARE).check();
    await olive.getByLabel('Resolution').selectOption('480p');
    await olive.getByRole('button', { name: 'Render variants' }).click();
    await olive.getByRole('progressbar', { name: 'Variants progress' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => olive.locator('.variant-card').count()).toBe(2);

    const ready = olive.locator('.variant-card[data-status="ready"]');
    await expect.poll(() => ready.count(), { timeout: 240_000, interval: 500 }).toBe(2);
    for (const key of ['vertical-15', 'square-30']) {
      const card = olive.locator(`.variant-card[data-variant-key="${key}"]`);
      expect(await videoDuration(card.locator('video'))).toBeGreaterThan(1);
      await card.getByText('Waiting for a decision').waitFor();
    }
    await screenshot(olive, 'campaign-variants');

    // A second project in the campaign stays internal: the client must not see it.
    await apiCall(stack.baseUrl, `/campaigns/${ids.campaign}/projects`, {
      method: 'POST',
      json: { name: 'Internal rough cut' },
      token: accounts.olive.token,
    });
    await olive.goto(`${stack.baseUrl}/campaigns/${ids.campaign}/projects`);
    await olive.getByLabel(`Shared with client: ${PROJECT}`).check();
    await olive
      .locator(`li.campaign-project[data-project-id="${ids.project}"][data-shared="true"]`)
      .waitFor();
    await olive.goto(`${stack.baseUrl}/projects/${ids.project}/variants`);
    await olive.locator('.variant-card[data-status="ready"]').first().waitFor();
  }, 300_000);

  it('a client guest sees only the shared project, plays its variants and approves one', async () => {
    const gina = await signInAs('gina');
    await gina.getByRole('heading', { name: 'Shared with you for review' }).waitFor();
    await gina.getByRole('link', { name: 'Oatly Fields' }).click();
    await gina.getByRole('link', { name: 'Spring launch' }).click();
    await gina.getByRole('heading', { name: PROJECT }).waitFor();
    // Only the shared project, its variants, and nothing of the team's: no sections, no workspace.
    expect(await gina.getByText('Internal rough cut').count()).toBe(0);
    expect(await gina.getByRole('navigation', { name: 'Campaign sections' }).count()).toBe(0);
    expect(await gina.locator('a[href*="/projects/"]').count()).toBe(0);
    const cards = gina.locator('.variant-card[data-status="ready"]');
    await expect.poll(() => cards.count()).toBe(2);

    const vertical = gina.locator('.variant-card[data-variant-key="vertical-15"]');
    const video = vertical.locator('video');
    expect(await videoDuration(video)).toBeGreaterThan(1);
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(0);

    await gina.getByRole('button', { name: `Approve ${VERTICAL}` }).click();
    await vertical.getByText(/Approved by Gina \(client\)/).waitFor();
    await screenshot(gina, 'campaign-guest-approved');

    // Live, not polled (polling stops while the page is live): the team's comment for the client
    // appears within seconds, the internal one never.
    await gina.locator('[data-testid="guest-live"][data-live="true"]').waitFor({ timeout: 10_000 });
    const listed = await apiCall<{ items: Array<{ id: string; key: string }> }>(
      stack.baseUrl,
      `/projects/${ids.project}/variants`,
      { token: accounts.olive.token },
    );
    const verticalId = listed.items.find((v) => v.key === 'vertical-15')!.id;
    for (const [body, clientVisible] of [
      ['Internal: check the mix first', false],
      ['Could the logo be a touch bigger?', true],
    ] as const)
      await apiCall(stack.baseUrl, `/variants/${verticalId}/comments`, {
        method: 'POST',
        token: accounts.olive.token,
        json: { body, clientVisible },
      });
    await vertical.getByText('Could the logo be a touch bigger?').waitFor({ timeout: 5_000 });
    expect(await vertical.getByText('Internal: check the mix first').count()).toBe(0);

    // Typing the workspace's address: a page that says so, and no realtime ticket asked for (the
    // one refusal is the project itself, which is how the page learns it is not open).
    const before = sessions.gina.errors.length;
    await gina.goto(`${stack.baseUrl}/projects/${ids.project}/script`);
    await gina.getByRole('heading', { name: "This project's workspace is not open to you" }).waitFor();
    await gina.waitForTimeout(1_000);
    const refused = sessions.gina.errors.splice(before);
    expect(refused.filter((e) => /^\d{3} /.test(e))).toEqual([`403 GET /api/v1/projects/${ids.project}`]);
    expect(refused.filter((e) => !/^\d{3} /.test(e) && !/status of 403/.test(e))).toEqual([]);
  });

  it('the owner sees the variant approved by the client, live', async () => {
    const olive = sessions.olive.page;
    const vertical = olive.locator('.variant-card[data-variant-key="vertical-15"]');
    await vertical.getByText(/Approved by Gina \(client\)/).waitFor({ timeout: 10_000 });
    expect(
      await olive
        .locator('.variant-card[data-variant-key="square-30"]')
        .getByText('Waiting for a decision')
        .count(),
    ).toBe(1);
  });

  it('the owner changes the brand kit (the variants turn stale), pauses the campaign by its budget, and downloads from the gallery', async () => {
    const olive = sessions.olive.page;
    await olive.goto(`${stack.baseUrl}/brand-kits/${ids.kit}`);
    const revision = Number(await olive.getByTestId('kit-revision').locator('strong').textContent());
    // Meanwhile the kit changes elsewhere (another tab): the accent, and the music mood.
    await apiCall(stack.baseUrl, `/brand-kits/${ids.kit}`, {
      method: 'PATCH',
      token: accounts.olive.token,
      json: { palette: { accent: '#00aa55' }, musicMood: 'upbeat' },
    });
    await olive.getByLabel('Accent colour').fill('#ff7043');
    const before = sessions.olive.errors.length;
    await olive.getByRole('button', { name: 'Save brand kit' }).click();
    // Refused, not overwritten: the form takes the other change and asks about the accent.
    const clash = olive.getByTestId('kit-conflicts');
    await expect
      .poll(() => clash.locator('li').allTextContents())
      .toEqual([expect.stringContaining('Palette: accent: theirs is #00aa55')]);
    expect(await olive.getByLabel('Music mood').inputValue()).toBe('upbeat');
    expect(await olive.getByLabel('Accent colour').inputValue()).toBe('#ff7043');
    const refused = sessions.olive.errors.splice(before);
    expect(refused.filter((e) => !/^409 PATCH \/api\/v1\/brand-kits\/|status of 409/.test(e))).toEqual([]);
    // Saving again keeps this person's accent.
    await olive.getByRole('button', { name: 'Save brand kit' }).click();
    await olive
      .getByTestId('kit-revision')
      .getByText(String(revision + 2), { exact: true })
      .waitFor();
    await clash.waitFor({ state: 'detached' });
    await olive.goto(`${stack.baseUrl}/projects/${ids.project}/variants`);
    await expect.poll(() => olive.locator('.variant-card[data-stale="true"]').count()).toBe(2);
    await olive.getByText('Brand kit changed since this render').first().waitFor();

    // A daily hard limit below what the renders cost today holds new jobs until midnight.
    await olive.goto(`${stack.baseUrl}/campaigns/${ids.campaign}/budget`);
    await olive.getByLabel('Daily hard limit').fill('0.0001');
    await olive.getByRole('button', { name: 'Save limits' }).click();
    await olive
      .getByTestId('campaign-paused')
      .getByText(/New jobs are paused/)
      .waitFor();
    expect(await olive.locator('.budget-meter[data-limit="daily"]').getAttribute('data-state')).toBe(
      'paused',
    );
    expect(await olive.getByRole('table', { name: 'Spend by member' }).getByText('Olive').count()).toBe(1);
    await screenshot(olive, 'campaign-budget');

    await section(olive, 'Campaign sections', 'Gallery');
    await olive.getByLabel('Kind').selectOption('variant');
    const items = olive.locator('.gallery-item[data-kind="variant"]');
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(2);
    // Each shows its poster (an image, not the video loaded for its first frame), and it has loaded.
    const thumbs = items.locator('img.gallery-thumb');
    expect(await thumbs.count()).toBe(await items.count());
    await expect
      .poll(() => thumbs.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
    await olive.getByLabel('Select all shown').check();
    const [download] = await Promise.all([
      olive.waitForEvent('download'),
      olive.getByRole('button', { name: /^Download selected \(\d+\)$/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^gallery-.*\.zip$/);
    await screenshot(olive, 'campaign-gallery');
  });

  it('logged no errors in any browser', () => {
    for (const [who, s] of Object.entries(sessions)) expect(s.errors, who).toEqual([]);
  });
});
