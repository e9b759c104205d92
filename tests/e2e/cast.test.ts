/// <reference lib="dom" />

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insertScene, sceneMap } from '@clapboard/screenplay';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { collectErrors, launchChromium, renderAt480p, screenshot } from '../support/browser';
import { connectProjectDoc } from '../support/connect-project-doc';
import {
  type Account,
  apiCall as callApi,
  createProject,
  register as registerAccount,
  renderVoices,
} from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

type Who = 'olive' | 'eddie' | 'vera';
interface Voice {
  id: string;
  label: string;
  source: 'bundled' | 'provider';
}

let stack: Stack;
let browser: Browser;
let projectId: string;
/** A collaborator's document, connected through the realtime server, to read what the UI wrote. */
let doc: Y.Doc;
let provider: WebsocketProvider;
const accounts = {} as Record<Who, Account>;
const pages = {} as Record<Who, { page: Page; errors: string[] }>;
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-cast-'));
const portraitFile = join(tmp, 'bob-portrait.png');

async function signIn(who: Who): Promise<Page> {
  const account = accounts[who];
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  pages[who] = { page, errors: collectErrors(page) };
  await page.goto(`${stack.baseUrl}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
  await page.goto(`${stack.baseUrl}/projects/${projectId}/storyboard`);
  await page.getByRole('heading', { name: 'Cast', exact: true }).waitFor();
  return page;
}

const card = (page: Page, name: string): Locator => page.locator(`.cast-member[data-character="${name}"]`);

/** The character's entry in the collaborator's copy of the document, as plain JSON. */
function character(name: string): Record<string, unknown> | undefined {
  const entry = doc.getMap('characters').get(name);
  return entry instanceof Y.Map ? (entry.toJSON() as Record<string, unknown>) : undefined;
}

/** Every option of a <select> as [value, label]. */
const optionsOf = (select: Locator) =>
  select
    .locator('option')
    .evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  for (const who of ['olive', 'eddie', 'vera'] as const)
    accounts[who] = await registerAccount(stack.baseUrl, who);
  projectId = await createProject(stack.baseUrl, accounts.olive, 'Cast call', [
    [accounts.eddie, 'editor'],
    [accounts.vera, 'viewer'],
  ]);

  // Two synced scenes in which BOB and Rita speak; RITA also has an entry whose voice no worker has.
  ({ doc, provider } = await connectProjectDoc(stack, accounts.olive.token, projectId));
  doc.transact(() => {
    for (const [id, heading, lines] of [
      ['kitchen', 'INT. KITCHEN - DAY', [['BOB', 'Pass the salt.']]],
      [
        'garden',
        'EXT. GARDEN - NIGHT',
        [
          ['Rita', 'Listen.'],
          ['BOB', 'Owls.'],
        ],
      ],
    ] as const) {
      insertScene(doc, Number.POSITIVE_INFINITY, {
        id,
        heading,
        dialogue: lines.map(([character, text]) => ({
          character,
          text,
          parenthetical: null,
          extension: null,
        })),
      });
    }
    doc.getMap('characters').set('RITA', new Y.Map<unknown>([['voice', 'retired-voice']]));
  });

  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'color=c=0x3366cc:s=240x320,drawbox=x=60:y=60:w=120:h=160:color=0xf5c518:t=fill',
    '-frames:v',
    '1',
    '-y',
    portraitFile,
  ]);
}, 180_000);

afterAll(async () => {
  provider?.destroy();
  doc?.destroy();
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the Cast panel in Chromium', () => {
  let voices: Voice[] = [];
  let chosen: Voice;
  let portraitId: string;

  it('lists the cast with the voices the worker reports, keeping an unknown stored voice visible', async () => {
    // The stack's worker publishes its voices at start; the API passes them on.
    await expect
      .poll(
        async () => {
          const { workers } = await apiCall<{ workers: Array<{ voices?: Voice[] }> }>('/models', {
            token: accounts.eddie.token,
          });
          voices = workers.flatMap((w) => w.voices ?? []);
          return voices.length;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    chosen = voices.find((v) => /Festival/.test(v.label))!;
    expect(chosen, 'the worker offers the bundled Festival voice').toBeDefined();

    const eddie = await signIn('eddie');
    await expect
      .poll(() =>
        eddie.locator('.cast-member').evaluateAll((els) => els.map((e) => e.getAttribute('data-character'))),
      )
      .toEqual(['BOB', 'RITA']);
    expect(await card(eddie, 'BOB').textContent()).toContain('2 lines · 2 scenes');
    expect(await card(eddie, 'RITA').textContent()).toContain('1 line · 1 scene');

    const bobVoice = eddie.getByLabel('Voice for BOB');
    await expect.poll(() => bobVoice.isEnabled()).toBe(true);
    const options = await optionsOf(bobVoice);
    expect(options[0]).toEqual(['', 'Automatic']);
    // Exactly the union of the workers' voices, once each.
    const unique = [...new Map(voices.map((v) => [v.id, v.label])).entries()];
    expect(options.slice(1)).toEqual(expect.arrayContaining(unique));
    expect(options.length).toBe(unique.length + 1);
    expect(options.some(([, label]) => label?.includes('Festival'))).toBe(true);

    // RITA's stored voice is not on any worker: shown as unavailable, still selected, not dropped.
    const ritaVoice = eddie.getByLabel('Voice for RITA');
    expect(await ritaVoice.inputValue()).toBe('retired-voice');
    expect(await ritaVoice.locator('option:checked').textContent()).toBe('(unavailable) retired-voice');
    expect(character('RITA')?.voice).toBe('retired-voice');
  });

  it('an editor uploads a portrait and picks a voice; another member sees both live and the document holds them', async () => {
    const eddie = pages.eddie.page;
    const olive = await signIn('olive');
    await card(olive, 'BOB').waitFor();
    expect(await card(olive, 'BOB').locator('img').count()).toBe(0);

    await eddie.getByLabel('Portrait file for BOB').setInputFiles(portraitFile);
    // The other browser shows the uploaded portrait's thumbnail, loaded.
    const oliveImg = card(olive, 'BOB').getByRole('img', { name: 'Portrait of BOB' });
    await oliveImg.waitFor({ timeout: 20_000 });
    await expect
      .poll(() => oliveImg.evaluate((i) => (i as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    portraitId = (await card(olive, 'BOB').locator('.portrait').getAttribute('data-asset-id'))!;
    expect(await oliveImg.getAttribute('src')).toContain(portraitId);
    await eddie.getByRole('button', { name: 'Replace portrait for BOB' }).waitFor();

    await eddie.getByLabel('Voice for BOB').selectOption(chosen.id);
    await expect.poll(() => olive.getByLabel('Voice for BOB').inputValue()).toBe(chosen.id);

    // The document: BOB's entry (created under the upper-cased name) holds both.
    await expect.poll(() => character('BOB')).toEqual({ portraitAssetId: portraitId, voice: chosen.id });
    // The portrait is an ordinary image asset of the project, uploaded by the editor.
    const asset = await apiCall<{ kind: string; projectId: string; originalName: string; createdBy: string }>(
      `/assets/${portraitId}`,
      { token: accounts.olive.token },
    );
    expect(asset).toMatchObject({
      kind: 'image',
      projectId,
      originalName: 'bob-portrait.png',
      createdBy: accounts.eddie.id,
    });

    // The scene panel's voice picker offers the same voices, with the automatic choice first.
    await eddie
      .getByRole('button', { name: /EXT\. GARDEN - NIGHT/ })
      .first()
      .click();
    const sceneVoice = eddie.locator('.scene-panel').getByLabel('Voice');
    const options = await optionsOf(sceneVoice);
    expect(options[0]).toEqual(['', "Automatic (character's voice)"]);
    expect(options).toContainEqual([chosen.id, chosen.label]);
    await sceneVoice.selectOption(chosen.id);
    await expect.poll(() => sceneMap(doc, 'garden')?.get('voice')).toBe(chosen.id);
    await screenshot(eddie, 'cast-panel');
  });

  it('a viewer sees the cast read-only and cannot change it', async () => {
    const vera = await signIn('vera');
    const bob = card(vera, 'BOB');
    await bob.getByRole('img', { name: 'Portrait of BOB' }).waitFor();
    await vera.getByText('Read-only (viewer)').first().waitFor();
    const voice = vera.getByLabel('Voice for BOB');
    await expect.poll(() => voice.inputValue()).toBe(chosen.id);
    expect(await voice.isDisabled()).toBe(true);
    expect(await vera.getByLabel('Voice for RITA').isDisabled()).toBe(true);
    // No upload, replace or remove controls, and no file input to drive.
    expect(await vera.locator('.cast input[type="file"]').count()).toBe(0);
    expect(await vera.locator('.cast button').count()).toBe(0);
    expect(character('BOB')).toEqual({ portraitAssetId: portraitId, voice: chosen.id });
    await screenshot(vera, 'cast-panel-viewer');
  });

  it('removing the portrait and going back to the automatic voice reaches everyone', async () => {
    const { eddie, olive, vera } = {
      eddie: pages.eddie.page,
      olive: pages.olive.page,
      vera: pages.vera.page,
    };
    await eddie.getByRole('button', { name: 'Remove portrait of BOB' }).click();
    await eddie.getByLabel('Voice for BOB').selectOption('');
    for (const page of [olive, vera]) {
      await expect.poll(() => card(page, 'BOB').locator('img').count()).toBe(0);
      await expect.poll(() => page.getByLabel('Voice for BOB').inputValue()).toBe('');
    }
    await expect.poll(() => character('BOB')).toEqual({});
    await eddie.getByRole('button', { name: 'Upload portrait for BOB' }).waitFor();
    for (const who of ['eddie', 'olive', 'vera'] as const)
      expect(pages[who].errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
  });

  it('the render uses the cast: the chosen voice speaks, and a deleted portrait shows as a warning on the render', async () => {
    const eddie = pages.eddie.page;
    const bundled = voices.find((v) => v.source === 'bundled' && v.id !== 'festival-kal')!;
    await eddie.getByLabel('Voice for BOB').selectOption(bundled.id);
    await eddie.getByLabel('Portrait file for RITA').setInputFiles(portraitFile);
    await expect.poll(() => character('RITA')?.portraitAssetId).toBeTruthy();
    const ritaPortrait = character('RITA')!.portraitAssetId as string;
    // The portrait goes from the library while the document still names it.
    await apiCall(`/assets/${ritaPortrait}`, { method: 'DELETE', token: accounts.eddie.token });

    const row = await renderAt480p(eddie);
    const warning = "RITA's portrait no longer exists; a silhouette stands in.";
    await row.getByRole('list', { name: 'Warnings' }).getByText(warning).waitFor();

    const jobId = (await row.getAttribute('data-job-id'))!;
    const { warnings, lines: spoken } = await renderVoices(stack.baseUrl, accounts.eddie.token, jobId);
    expect(warnings).toContain(warning);
    expect(spoken.filter((l) => l.character === 'BOB').map((l) => l.voice)).toEqual([bundled.id, bundled.id]);
    await screenshot(eddie, 'render-with-warning');
  }, 180_000);
});
