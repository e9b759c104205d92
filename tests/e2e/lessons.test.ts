/// <reference lib="dom" />
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signIn } from '../support/browser';
import { type Account, apiCall as callApi, createProject, register } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

type Who = 'olive' | 'eddie' | 'vera';

/** A real photo of a person (Debian's python3-skimage test images). */
const PORTRAIT = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';

/** What the local LLM server drafts: the test checks these titles arrive in both browsers. */
const DRAFT = {
  title: 'Ladder safety in five minutes',
  sections: [
    {
      title: 'Inspect before you climb',
      narration: 'Before every climb, check the feet, the rungs and the locks of the ladder.',
      slide: { title: 'Inspect', bullets: ['Feet', 'Rungs', 'Locks'] },
    },
    {
      title: 'Three points of contact',
      narration: 'Keep two hands and a foot, or two feet and a hand, on the ladder at all times.',
      slide: null,
    },
  ],
  quiz: null,
};

let stack: Stack;
let browser: Browser;
let projectId: string;
let llm: Server;
let llmUrl: string;
const llmRequests: Array<Record<string, unknown>> = [];
const accounts = {} as Record<Who, Account>;
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);
const pages = {} as Record<Who, { page: Page; errors: string[] }>;

/** Signs in and opens the project's Lessons tab. */
async function openLessons(who: Who): Promise<Page> {
  pages[who] = await signIn(browser, stack.baseUrl, accounts[who]);
  const { page } = pages[who];
  await page.goto(`${stack.baseUrl}/projects/${projectId}/lessons`);
  await page.getByRole('heading', { name: 'Lessons', exact: true }).waitFor();
  return page;
}

const wizard = (page: Page) => page.locator('.lesson-wizard');
const stepButton = (page: Page, label: string) =>
  page.getByRole('navigation', { name: 'Lesson steps' }).getByRole('button', { name: label });
const field = (page: Page, label: string) => wizard(page).getByLabel(label, { exact: true });

beforeAll(async () => {
  // A local server speaking OpenAI's chat completions, for the worker started later.
  llm = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    llmRequests.push({ path: req.url, ...body });
    res.writeHead(req.url === '/v1/chat/completions' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        choices: [
          { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: JSON.stringify(DRAFT) } },
        ],
      }),
    );
  });
  await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
  llmUrl = `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`;

  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  for (const who of ['olive', 'eddie', 'vera'] as const) accounts[who] = await register(stack.baseUrl, who);
  projectId = await createProject(stack.baseUrl, accounts.olive, 'Safety training', [
    [accounts.eddie, 'editor'],
    [accounts.vera, 'viewer'],
  ]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await new Promise((r) => llm?.close(r));
});

describe('the lesson studio in Chromium, two editors and a viewer', () => {
  let lessonId: string;

  it('an owner creates a lesson, uploads a portrait and records consent; an editor sees the lesson appear', async () => {
    // The editor is already looking at the list when the lesson is made.
    const eddie = await openLessons('eddie');
    await eddie.getByText('No lessons yet.').waitFor();
    const olive = await openLessons('olive');
    await olive.getByLabel('New lesson').fill('Fire safety');
    await olive.getByRole('button', { name: 'Create lesson' }).click();
    await wizard(olive).getByRole('heading', { name: 'Fire safety' }).waitFor();
    lessonId = (await wizard(olive).getAttribute('data-lesson-id'))!;
    await eddie.getByRole('button', { name: 'Fire safety', exact: true }).waitFor({ timeout: 10_000 });

    await olive.getByLabel('Portrait file').setInputFiles(PORTRAIT);
    const thumb = wizard(olive).getByRole('img', { name: 'Lesson portrait' });
    await thumb.waitFor({ timeout: 20_000 });
    await expect.poll(() => thumb.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    const portraitId = (await wizard(olive).locator('.lesson-portrait').getAttribute('data-asset-id'))!;

    // Render steps say why they cannot run yet: the portrait has no consent on record (or, on a
    // stack whose workers do not render lessons, that no worker does).
    await stepButton(olive, '4. Preview').click();
    await expect
      .poll(() => wizard(olive).locator('.render-step').textContent())
      .toMatch(
        /Record the consent of the person in the portrait|does not run portrait\.lesson jobs yet|No worker/,
      );
    expect(await olive.getByRole('button', { name: 'Render preview' }).isDisabled()).toBe(true);
    await stepButton(olive, '1. Portrait').click();

    await olive.getByLabel('Name of the person who consents').fill('Eileen Collins');
    await olive.getByLabel('What they consent to (scope)').fill('Internal safety training videos, 2027');
    await olive
      .getByLabel('Consent statement')
      .fill('I agree that my portrait is animated for these lessons.');
    await olive.getByRole('button', { name: 'Record consent' }).click();
    const card = wizard(olive).locator('.consent-card[data-revoked="false"]');
    await card.waitFor();
    expect(await card.textContent()).toContain('Eileen Collins');
    const consents = await apiCall<{ items: Array<{ id: string; assetId: string; subjectName: string }> }>(
      `/projects/${projectId}/consents?assetId=${portraitId}`,
      { token: accounts.eddie.token },
    );
    expect(consents.items).toEqual([
      expect.objectContaining({ assetId: portraitId, subjectName: 'Eileen Collins' }),
    ]);
    await screenshot(olive, 'lesson-portrait-consent');
  });

  it('the owner writes a section; the editor opens the lesson at the same step, sees the text live and continues', async () => {
    const olive = pages.olive.page;
    const eddie = pages.eddie.page;
    await stepButton(olive, '3. Script').click();
    await olive.getByRole('button', { name: 'Add section' }).click();
    await field(olive, 'Section 1 title').fill('Know your extinguisher');
    await field(olive, 'Section 1 narration').fill(
      'Water, foam, powder and carbon dioxide each fight a different fire.',
    );

    await eddie.getByRole('button', { name: 'Fire safety', exact: true }).click();
    await expect.poll(() => wizard(eddie).getAttribute('data-step')).toBe('script');
    expect(await stepButton(eddie, '3. Script').getAttribute('aria-current')).toBe('step');
    await expect.poll(() => field(eddie, 'Section 1 title').inputValue()).toBe('Know your extinguisher');
    // Typing in one browser shows in the other as it happens.
    await field(olive, 'Section 1 narration').pressSequentially(' Read the label.');
    await expect
      .poll(() => field(eddie, 'Section 1 narration').inputValue())
      .toBe('Water, foam, powder and carbon dioxide each fight a different fire. Read the label.');
    // The editor continues: a second section, which the owner sees.
    await eddie.getByRole('button', { name: 'Add section' }).click();
    await field(eddie, 'Section 2 narration').fill('Pull, aim, squeeze, sweep.');
    await expect
      .poll(() => field(olive, 'Section 2 narration').inputValue())
      .toBe('Pull, aim, squeeze, sweep.');
    await expect
      .poll(() => wizard(olive).getByTestId('narration-total').textContent())
      .toMatch(/^2 \/ 40 sections · narration 109 \/ 30,000 characters/);
    // The portrait and its consent are where the editor left them, for the editor too.
    await stepButton(eddie, '1. Portrait').click();
    await expect.poll(() => wizard(olive).getAttribute('data-step')).toBe('portrait');
    await wizard(eddie).locator('.consent-card[data-revoked="false"]').waitFor();
    await stepButton(eddie, '3. Script').click();
  });

  it('a viewer sees the lesson, its step and its text read-only', async () => {
    const vera = await openLessons('vera');
    await vera.getByRole('button', { name: 'Fire safety', exact: true }).click();
    await wizard(vera).getByText('Read-only (viewer)').waitFor();
    await expect
      .poll(() => field(vera, 'Section 2 narration').inputValue())
      .toBe('Pull, aim, squeeze, sweep.');
    expect(await field(vera, 'Section 1 narration').getAttribute('readonly')).not.toBeNull();
    expect(await vera.getByRole('button', { name: 'Add section' }).count()).toBe(0);
    expect(await vera.getByRole('button', { name: 'Draft with AI' }).count()).toBe(0);
    expect(await vera.getByLabel('New lesson').count()).toBe(0);
    // Browsing steps is local for a viewer: the team's step stays where the editors are.
    await stepButton(vera, '1. Portrait').click();
    await wizard(vera).locator('.consent-card').waitFor();
    expect(await wizard(vera).getByRole('button', { name: 'Revoke consent' }).count()).toBe(0);
    expect(await vera.getByLabel('Portrait file').count()).toBe(0);
    await vera.getByText('The team is at the Script step.').waitFor();
    await screenshot(vera, 'lesson-viewer');
  });

  it('"Draft with AI" says why it is unavailable, then drafts through a worker with an LLM provider; the draft reaches both editors', async () => {
    const eddie = pages.eddie.page;
    const olive = pages.olive.page;
    const draftButton = eddie.getByRole('button', { name: 'Draft with AI' });
    await draftButton.waitFor();
    expect(await draftButton.isDisabled()).toBe(true);
    const reason = wizard(eddie).locator('.draft-panel .unavailable');
    await expect
      .poll(() => reason.textContent())
      .toMatch(/No worker has an LLM provider configured \(set OPENAI_BASE_URL or OLLAMA_BASE_URL/);
    await screenshot(eddie, 'lesson-draft-unavailable');

    // A second worker with a provider joins; the first keeps declining (and hands drafts back).
    await stack.startWorker({ OPENAI_BASE_URL: llmUrl, OPENAI_CHAT_MODEL: 'local-drafter' });
    await expect
      .poll(
        async () => {
          if (await draftButton.isEnabled()) return true;
          const recheck = wizard(eddie).locator('.draft-panel').getByRole('button', { name: 'Check again' });
          if (await recheck.isEnabled().catch(() => false)) await recheck.click();
          return false;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    await wizard(eddie).getByLabel('Topic').fill('Ladder safety');
    await wizard(eddie).getByLabel('Audience').fill('warehouse staff');
    await draftButton.click();
    await wizard(eddie).locator('.draft-panel .job-progress').waitFor();
    const apply = eddie.getByRole('button', { name: 'Apply draft (replaces 2 sections)' });
    await apply.waitFor({ timeout: 60_000 });
    expect(await wizard(eddie).locator('.draft-panel .job-progress').getAttribute('data-percent')).toBe(
      '100',
    );
    await apply.click();

    // Both editors now hold the drafted sections, in the document.
    for (const page of [eddie, olive]) {
      await expect.poll(() => field(page, 'Section 1 title').inputValue()).toBe(DRAFT.sections[0]!.title);
      await expect
        .poll(() => field(page, 'Section 2 narration').inputValue())
        .toBe(DRAFT.sections[1]!.narration);
      expect(await field(page, 'Section 1 slide bullets').inputValue()).toBe('Feet\nRungs\nLocks');
      expect(await page.getByLabel('Section 3 title', { exact: true }).count()).toBe(0);
    }
    // The provider was asked for structured JSON about this topic.
    const asked = llmRequests.find((r) => r.path === '/v1/chat/completions')!;
    expect(asked).toMatchObject({
      model: 'local-drafter',
      response_format: { type: 'json_schema', json_schema: { name: 'lesson_draft', strict: true } },
    });
    expect(JSON.stringify(asked.messages)).toContain('Topic: Ladder safety');
    const jobs = await apiCall<{
      items: Array<{ type: string; status: string; params: { lessonId: string } }>;
    }>(`/projects/${projectId}/jobs?type=lesson.draft`, { token: accounts.olive.token });
    expect(jobs.items).toEqual([
      expect.objectContaining({ status: 'completed', params: expect.objectContaining({ lessonId }) }),
    ]);
    await screenshot(olive, 'lesson-draft-applied');
    for (const who of ['olive', 'eddie', 'vera'] as const)
      expect(pages[who].errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
  }, 120_000);

  it('a lesson deleted by one member leaves every open studio', async () => {
    const { olive, eddie, vera } = {
      olive: pages.olive.page,
      eddie: pages.eddie.page,
      vera: pages.vera.page,
    };
    const item = (page: Page) => page.getByRole('button', { name: 'Fire safety', exact: true });
    await olive.getByRole('button', { name: 'Delete Fire safety' }).click();
    await olive.getByRole('button', { name: 'Confirm delete Fire safety' }).click();
    for (const page of [olive, eddie, vera]) {
      await expect.poll(() => item(page).count()).toBe(0);
      await expect.poll(() => wizard(page).count()).toBe(0);
    }
    await expect(apiCall(`/lessons/${lessonId}`, { token: accounts.olive.token })).rejects.toThrow(/404/);
  });
});
