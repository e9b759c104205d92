/// <reference lib="dom" />
import { insertScene } from '@clapboard/screenplay';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { launchChromium, renderAt480p, screenshot, signIn } from '../support/browser';
import { connectProjectDoc } from '../support/connect-project-doc';
import { type Account, apiCall as callApi, createProject, register, renderVoices } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

/**
 * A worker on a machine without festival (FESTIVAL_BIN points at nothing, as when the Debian
 * package is not installed): health says so, the web does not offer its voice, and a render that
 * asks for it completes with eSpeak NG and says so on the render.
 */
let stack: Stack;
let browser: Browser;
let olive: Account;
let projectId: string;
let doc: Y.Doc;
let closeDoc: (() => void) | undefined;
let page: Page;
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);
const FESTIVAL = 'Festival, US male (kal diphone)';
const NOT_INSTALLED = 'festival not installed: apt-get install festival festvox-kallpc16k';

const optionsOf = (select: Locator) =>
  select
    .locator('option')
    .evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]));

beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startStack({ env: { FESTIVAL_BIN: '/nonexistent/bin/festival' } }),
    launchChromium(),
  ]);
  olive = await register(stack.baseUrl, 'olive');
  projectId = await createProject(stack.baseUrl, olive, 'No festival here');
  ({ doc, close: closeDoc } = await connectProjectDoc(stack, olive.token, projectId));
  doc.transact(() => {
    insertScene(doc, 0, {
      id: 'harbour',
      heading: 'INT. HARBOUR OFFICE - DAWN',
      durationSec: 3,
      dialogue: [
        { character: 'ANNA', text: 'The tide turns at six.', parenthetical: null, extension: null },
        { character: 'TOM', text: 'Then we leave at five.', parenthetical: null, extension: null },
      ],
    });
    // TOM's voice was chosen on a machine that had festival.
    doc.getMap('characters').set('TOM', new Y.Map<unknown>([['voice', 'festival-kal']]));
  });
}, 180_000);

afterAll(async () => {
  closeDoc?.();
  await browser?.close();
  await stack?.close();
});

describe('a worker without festival, in Chromium', () => {
  it('health and the models report say festival is unavailable and why; the rest is ready', async () => {
    type Report = {
      models: Array<{ name: string; status: string; reason: string | null }>;
      voices: Array<{ id: string; available: boolean; reason: string | null }>;
    };
    let workers: Report[] = [];
    await expect
      .poll(
        async () => {
          ({ workers } = await apiCall<{ workers: Report[] }>('/models', { token: olive.token }));
          return workers.length;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
    const models = Object.fromEntries(workers[0]!.models.map((m) => [m.name, m]));
    expect(models.festival).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining(NOT_INSTALLED),
    });
    for (const name of ['flite', 'espeak-ng', 'pocketsphinx'])
      expect(models[name], name).toMatchObject({ status: 'ready', reason: null });
    expect(workers[0]!.voices.find((v) => v.id === 'festival-kal')).toMatchObject({
      available: false,
      reason: expect.stringContaining(NOT_INSTALLED),
    });
  });

  it('the Cast panel does not offer the festival voice, says why, and sets a gender', async () => {
    ({ page } = await signIn(browser, stack.baseUrl, olive));
    await page.goto(`${stack.baseUrl}/projects/${projectId}/storyboard`);
    await page.getByRole('heading', { name: 'Cast', exact: true }).waitFor();
    const anna = page.getByLabel('Voice for ANNA');
    await expect.poll(() => anna.isEnabled()).toBe(true);
    const labels = (await optionsOf(anna)).map(([, label]) => label);
    expect(labels).toContain('Flite, US female (slt)');
    expect(labels.some((l) => l?.includes('Festival'))).toBe(false);
    // TOM keeps the voice chosen for him, marked unavailable rather than dropped.
    expect(await page.getByLabel('Voice for TOM').locator('option:checked').textContent()).toBe(
      `(unavailable) ${FESTIVAL}`,
    );
    await page.getByText(`Not offered: ${FESTIVAL} (${NOT_INSTALLED}`).waitFor();
    await page.getByLabel('Gender of ANNA').selectOption('female');
    await expect
      .poll(() => (doc.getMap('characters').get('ANNA') as Y.Map<unknown> | undefined)?.get('gender'))
      .toBe('female');
    await screenshot(page, 'cast-voices-unavailable');
  });

  it('a render that asks for festival completes with eSpeak NG and shows the warning', async () => {
    const row = await renderAt480p(page);
    const warning = `Voice "${FESTIVAL}" is unavailable on this worker: ${NOT_INSTALLED}`;
    await row.getByRole('list', { name: 'Warnings' }).getByText(warning, { exact: false }).waitFor();

    const jobId = (await row.getAttribute('data-job-id'))!;
    const { warnings, lines: spoken } = await renderVoices(stack.baseUrl, olive.token, jobId);
    expect(warnings).toEqual([expect.stringMatching(/eSpeak NG, US English spoke instead\.$/)]);
    // ANNA, set female in the Cast panel, is handed a female voice; TOM keeps his (spoken by eSpeak NG).
    expect(Object.fromEntries(spoken.map((l) => [l.character, l.voice]))).toEqual({
      ANNA: 'flite-slt',
      TOM: 'festival-kal',
    });
    await screenshot(page, 'render-voice-fallback');
  }, 180_000);
});
