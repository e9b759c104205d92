import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchChromium, screenshot } from '../support/browser';
import { type Account, apiCall, createProject, register } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

let stack: Stack;
let browser: Browser;
const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-jobs-'));

beforeAll(async () => {
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function uploadClip(owner: Account, projectId: string): Promise<string> {
  const video = join(tmp, 'clip.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x180:rate=24:duration=4',
    '-pix_fmt',
    'yuv420p',
    '-c:v',
    'libx264',
    '-y',
    video,
  ]);
  const form = new FormData();
  form.append('file', new Blob([readFileSync(video)], { type: 'video/mp4' }), 'clip.mp4');
  const res = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/assets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${owner.token}` },
    body: form,
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('the jobs page over Socket.IO', () => {
  it('shows a job submitted elsewhere appear, run and finish without a reload and without polling', async () => {
    const owner = await register(stack.baseUrl, 'Jo');
    const projectId = await createProject(stack.baseUrl, owner, 'Live jobs page');
    const assetId = await uploadClip(owner, projectId);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = collectErrors(page);
    await page.goto(`${stack.baseUrl}/login`);
    await page.getByLabel('Email').fill(owner.email);
    await page.getByLabel('Password').fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects' }).waitFor();

    // From here: every GET /jobs the page makes, every job event its socket receives, every navigation.
    const listReads: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'GET' && new URL(r.url()).pathname === '/api/v1/jobs') listReads.push(r.url());
    });
    const jobEvents: string[] = [];
    let joined = false;
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        const text = String(payload);
        const event = /^42\["(job:(?:created|updated|finished))"/.exec(text);
        if (event) jobEvents.push(event[1]!);
        if (text.includes('"ok":true') && text.includes(`"projectId":"${projectId}"`)) joined = true;
      }),
    );
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations++;
    });

    await page.getByRole('link', { name: 'Jobs' }).first().click();
    await page.getByRole('heading', { name: 'Job history' }).waitFor();
    await page.getByText('No jobs yet').waitFor();
    await expect.poll(() => joined, { timeout: 10_000 }).toBe(true);
    const navigationsBefore = navigations;

    const { job } = await apiCall<{ job: { id: string } }>(stack.baseUrl, `/projects/${projectId}/jobs`, {
      method: 'POST',
      token: owner.token,
      json: { type: 'assets.derive', params: { assetId } },
    });
    const row = page.locator(`tr[data-job-id="${job.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    await page.locator(`tr[data-job-id="${job.id}"][data-status="completed"]`).waitFor({ timeout: 60_000 });
    expect(await row.locator('td[data-percent]').getAttribute('data-percent')).toBe('100');
    await screenshot(page, 'jobs-live');

    // A few quiet seconds after: nothing polls.
    const settled = listReads.length;
    await page.waitForTimeout(4_000);
    expect(listReads.length).toBe(settled);
    expect(jobEvents).toContain('job:created');
    expect(jobEvents).toContain('job:finished');
    // The first read, then at most one per job:created / job:updated / job:finished received.
    expect(listReads.length).toBeLessThanOrEqual(1 + jobEvents.length);
    expect(navigations).toBe(navigationsBefore);
    expect(errors).toEqual([]);
    await context.close();
  });
});
