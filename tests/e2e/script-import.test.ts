/// <reference lib="dom" />
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signIn } from '../support/browser';
import { type Account, apiCall, register } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

let stack: Stack;
let browser: Browser;
let olive: Account;
let vera: Account;
let page: Page;
let errors: string[];
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-import-'));
const fdxFile = join(tmp, 'brick.fdx');
const fountainFile = join(tmp, 'diner.fountain');
const pdfFile = join(tmp, 'diner.pdf');

/** The script text as shown, without remote carets' labels. */
const editorText = (p: Page) =>
  p.locator('.cm-content').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.cm-ySelectionCaret')) caret.remove();
    return [...copy.querySelectorAll('.cm-line')].map((l) => l.textContent).join('\n');
  });
const editorHas = (p: Page, text: string) =>
  p.waitForFunction((t) => document.querySelector('.cm-content')?.textContent?.includes(t), text, {
    timeout: 15_000,
  });

beforeAll(async () => {
  copyFileSync(
    new URL('../../packages/screenplay/src/fixtures/final-draft-sample.fdx', import.meta.url),
    fdxFile,
  );
  // Headings with the action and cues right under them, as real files have them.
  writeFileSync(
    fountainFile,
    'INT. DINER - NIGHT\nRain on the glass.\n\nMOLLY\nWho is there?\n\nEXT. STREET - NIGHT\nEmpty.\n',
  );
  writeFileSync(pdfFile, '%PDF-1.7\n1 0 obj\n');
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  olive = await register(stack.baseUrl, 'olive');
  vera = await register(stack.baseUrl, 'vera');
  ({ page, errors } = await signIn(browser, stack.baseUrl, olive));
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('importing a script in the browser', () => {
  let projectId: string;

  it('creates a project from a Final Draft file after showing its scenes', async () => {
    await page.getByRole('button', { name: 'Import script' }).click();
    const dialog = page.getByRole('dialog', { name: 'New project from a script' });
    await dialog.getByLabel('Script file').setInputFiles(fdxFile);
    const preview = dialog.getByRole('region', { name: 'Import preview' });
    await preview.getByText('Final Draft').waitFor();
    const scenes = preview.getByRole('list', { name: 'Scenes to create' });
    expect(await scenes.getByRole('listitem').allTextContents()).toEqual([
      "EXT. BRICK'S PATIO - DAY 3 lines · STEEL, BRICK",
      'INT. TRAILER HOME - NIGHT 0 lines',
    ]);
    expect(await dialog.getByLabel('Project name').inputValue()).toBe('BRICK & STEEL');
    await screenshot(page, 'script-import-preview');
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]+\/script$/);
    projectId = /projects\/([0-9a-f-]+)\//.exec(page.url())![1]!;
    await editorHas(page, "EXT. BRICK'S PATIO - DAY");
    const outline = page.getByRole('navigation', { name: 'Scene outline' });
    await outline.getByRole('button', { name: /INT\. TRAILER HOME - NIGHT/ }).waitFor();
    expect(await editorText(page)).toContain('[[Is the pool too much?]]');
  });

  it('refuses a PDF with a clear message, then replaces the script and undoes it', async () => {
    const before = await editorText(page);
    await page.getByRole('button', { name: 'Import script' }).click();
    const dialog = page.getByRole('dialog', { name: 'Replace the script from a file' });
    await dialog.getByLabel('Script file').setInputFiles(pdfFile);
    await dialog.getByRole('alert').filter({ hasText: 'PDF' }).waitFor();
    expect(await dialog.getByRole('button', { name: 'Replace script' }).isDisabled()).toBe(true);

    await dialog.getByLabel('Script file').setInputFiles(fountainFile);
    const scenes = dialog.getByRole('list', { name: 'Scenes to create' });
    await scenes.getByText('INT. DINER - NIGHT').waitFor();
    expect(await scenes.getByRole('listitem').allTextContents()).toEqual([
      'INT. DINER - NIGHT 1 line · MOLLY',
      'EXT. STREET - NIGHT 0 lines',
    ]);
    // What happens to the storyboard's two scenes from the Final Draft file.
    const changes = dialog.getByRole('region', { name: 'Storyboard changes' });
    expect(await changes.getByRole('paragraph').first().textContent()).toMatch(
      /^Storyboard: 2 new, 2 to remove\./,
    );
    await screenshot(page, 'script-import-replace');
    await dialog.getByRole('button', { name: 'Replace script' }).click();
    await page.getByRole('status').filter({ hasText: 'Imported diner.fountain: 2 scenes.' }).waitFor();
    await editorHas(page, 'Rain on the glass.');
    expect(await editorText(page)).not.toContain('BRICK');
    const versions = await apiCall<{ items: { name: string; source: string }[] }>(
      stack.baseUrl,
      `/projects/${projectId}/versions`,
      { token: olive.token },
    );
    expect(versions.items.map((v) => [v.name, v.source])).toContainEqual([
      'Before importing "diner.fountain"',
      'import',
    ]);

    await page.getByRole('button', { name: 'Undo import' }).click();
    await editorHas(page, "EXT. BRICK'S PATIO - DAY");
    await page.waitForFunction(
      () => !document.querySelector('.cm-content')?.textContent?.includes('Rain on the glass.'),
    );
    expect(await editorText(page)).toBe(before);
  });

  it('offers no import to a viewer', async () => {
    await apiCall(stack.baseUrl, `/projects/${projectId}/members`, {
      method: 'POST',
      json: { email: vera.email, role: 'viewer' },
      token: olive.token,
    });
    const viewer = await signIn(browser, stack.baseUrl, vera);
    await viewer.page.goto(`${stack.baseUrl}/projects/${projectId}/script`);
    await viewer.page.locator('output.conn[data-status="connected"]').waitFor({ timeout: 15_000 });
    await editorHas(viewer.page, "EXT. BRICK'S PATIO - DAY");
    expect(await viewer.page.getByRole('button', { name: 'Import script' }).count()).toBe(0);
    expect(viewer.errors).toEqual([]);
    // The refused PDF preview is a 415 the browser logs as a failed request; nothing else failed.
    expect(errors.filter((e) => !/415/.test(e))).toEqual([]);
  });
});
