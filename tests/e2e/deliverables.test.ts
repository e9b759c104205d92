/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { launchChromium, screenshot, signIn } from '../support/browser';
import { type Account, apiCall as callApi, createProject, register } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

let stack: Stack;
let browser: Browser;
let projectId: string;
let owner: Account;
let viewer: Account;
let doc: Y.Doc;
let provider: WebsocketProvider;
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-deliverables-'));
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);

/** Replaces the script through the realtime server (as an editor types) and waits until the API has it. */
async function setScript(script: string): Promise<void> {
  doc.transact(() => {
    const text = doc.getText('script');
    text.delete(0, text.length);
    text.insert(0, script);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const res = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/export.fountain`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    if ((await res.text()).includes(script.split('\n')[0]!)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the script edit never reached the API');
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  owner = await register(stack.baseUrl, 'Olive');
  viewer = await register(stack.baseUrl, 'Vic');
  projectId = await createProject(stack.baseUrl, owner, 'Night Ferry', [[viewer, 'viewer']]);
  const { ticket } = await apiCall<{ ticket: string }>('/realtime/tickets', {
    method: 'POST',
    json: { projectId },
    token: owner.token,
  });
  doc = new Y.Doc();
  provider = new WebsocketProvider(`${stack.realtimeUrl.replace(/^http/, 'ws')}/yjs`, projectId, doc, {
    // biome-ignore lint/suspicious/noExplicitAny: ws implements the WebSocket surface the provider uses
    WebSocketPolyfill: WebSocket as any,
    params: { ticket },
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
}, 240_000);

afterAll(async () => {
  provider?.destroy();
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function download(page: Page, button: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download'), button()]);
  const path = join(tmp, file.suggestedFilename());
  await file.saveAs(path);
  return readFileSync(path);
}

describe('Deliverables tab in Chromium', () => {
  it('a viewer downloads a named version and its handover zip while the live script has moved on', async () => {
    await setScript('INT. FERRY DECK - NIGHT\n\nFog rolls in.\n\nOLIVE\nWe are late.\n');
    const { version } = await apiCall<{ version: { id: string } }>(`/projects/${projectId}/versions`, {
      method: 'POST',
      json: { name: 'Locked cut' },
      token: owner.token,
    });
    await setScript('INT. ENGINE ROOM - DAY\n\nRewritten since.\n');

    const { page, errors } = await signIn(browser, stack.baseUrl, viewer);
    await page.goto(`${stack.baseUrl}/projects/${projectId}/deliverables`);
    await page.getByRole('heading', { name: 'Deliverables' }).waitFor();
    await page.getByLabel('Version').selectOption(version.id);
    await screenshot(page, 'deliverables');

    const row = (label: string) => page.locator('.deliverable-list li', { hasText: label });
    const fountain = (
      await download(page, () => row('Script (Fountain)').getByRole('button', { name: 'Download' }).click())
    ).toString();
    expect(fountain).toContain(`Version: ${version.id}`);
    expect(fountain).toContain('INT. FERRY DECK - NIGHT');
    expect(fountain).not.toContain('ENGINE ROOM');

    const zip = await download(page, () => page.getByRole('button', { name: 'Download zip' }).click());
    const zipPath = join(tmp, 'bundle.zip');
    writeFileSync(zipPath, zip);
    const manifest = JSON.parse(execFileSync('unzip', ['-p', zipPath, 'manifest.json']).toString()) as {
      version: { id: string };
      files: { path: string; sha256: string }[];
    };
    expect(manifest.version.id).toBe(version.id);
    expect(manifest.files).toHaveLength(5);
    for (const f of manifest.files)
      expect(
        createHash('sha256')
          .update(execFileSync('unzip', ['-p', zipPath, f.path]))
          .digest('hex'),
      ).toBe(f.sha256);

    // "Current" is the live script.
    await page.getByLabel('Version').selectOption('current');
    const live = (
      await download(page, () => row('Script (Fountain)').getByRole('button', { name: 'Download' }).click())
    ).toString();
    expect(live).toContain('INT. ENGINE ROOM - DAY');
    expect(live).toMatch(/Version: current-[0-9a-f]{16}/);
    expect(errors).toEqual([]);
  });
});
