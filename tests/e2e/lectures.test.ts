/// <reference lib="dom" />
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDb, type Sql } from '@clapboard/server/db';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { sampleLectureAnalysis, seedLectureAnalysis } from '@clapboard/server/testing';
import type { Asset } from '@clapboard/shared/api';
import type { Lecture } from '@clapboard/shared/highlights';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshot, signIn } from '../support/browser';
import { type Account, apiCall as callApi, createProject, register } from '../support/e2e-api';
import { type Stack, startStack } from '../support/start-stack';

let stack: Stack;
let browser: Browser;
let sql: Sql;
let dir: string;
let projectId: string;
let olive: Account;
let eddie: Account;
const apiCall = <T>(path: string, init?: Parameters<typeof callApi>[2]) =>
  callApi<T>(stack.baseUrl, path, init);
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clapboard-lecture-e2e-'));
  // A ~24 MB lecture (noise does not compress), so an upload takes long enough to cut at half.
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=640x360:r=25,noise=alls=60:allf=t',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=330:sample_rate=16000',
    '-t',
    '3',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '4',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    join(dir, 'big-lecture.mp4'),
  );
  // A small 20 s lecture for the shared-ranking test (the sample analysis covers 20 s).
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'testsrc=s=320x240:r=10',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=16000',
    '-t',
    '20',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    join(dir, 'heat.mp4'),
  );
  [stack, browser] = await Promise.all([startStack(), launchChromium()]);
  sql = await connectDb(stack.databaseUrl, { applicationName: 'lectures-e2e' });
  olive = await register(stack.baseUrl, 'Olive');
  eddie = await register(stack.baseUrl, 'Eddie');
  projectId = await createProject(stack.baseUrl, olive, 'Physics course', [[eddie, 'editor']]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await sql?.end({ timeout: 5 });
  await stack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Opens the project's Lectures tab in `page`. */
async function openLectures(page: Page): Promise<void> {
  await page.goto(`${stack.baseUrl}/projects/${projectId}/lectures`);
  await page.getByRole('heading', { name: 'Lectures', exact: true }).waitFor();
}

describe('the lecture studio in Chromium', () => {
  it('an upload cut off at half by closing the page resumes after a reload and completes with the same SHA-256', async () => {
    const file = join(dir, 'big-lecture.mp4');
    const bytes = readFileSync(file);
    const { page } = await signIn(browser, stack.baseUrl, olive);
    const context: BrowserContext = page.context();
    // Slow the upload down (8 MB/s) so the test can see it pass half way.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 8 * 1024 * 1024,
    });
    await openLectures(page);
    await page.getByLabel('Title').fill('Noise, 3 seconds');
    await page.getByLabel('Lecture video').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload lecture' }).click();
    const progress = page.locator('.upload-progress');
    await expect
      .poll(async () => Number(await progress.getAttribute('data-percent')), {
        timeout: 30_000,
        interval: 25,
      })
      .toBeGreaterThanOrEqual(50);
    // Kill the page mid-upload: its connection drops with the PATCH in flight.
    await page.close();

    // The server keeps what arrived: an open upload with an offset somewhere past the start.
    let offset = 0;
    await expect
      .poll(
        async () => {
          const [row] = await sql<{ upload_offset: number; upload_length: number }[]>`
            select upload_offset, upload_length from uploads where status = 'open' and project_id = ${projectId}`;
          offset = Number(row?.upload_offset ?? 0);
          return offset;
        },
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);

    // A fresh page in the same browser: choosing the same file goes on from the server's offset.
    const again = await context.newPage();
    const patchOffsets: number[] = [];
    const headOffsets: number[] = [];
    again.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().includes('/api/v1/uploads/'))
        patchOffsets.push(Number(r.headers()['upload-offset']));
    });
    again.on('response', (r) => {
      if (r.request().method() === 'HEAD' && r.url().includes('/api/v1/uploads/'))
        headOffsets.push(Number(r.headers()['upload-offset']));
    });
    await openLectures(again);
    await again.getByText('Unfinished uploads from this browser').waitFor();
    await again.getByLabel('Title').fill('Noise, 3 seconds');
    await again.getByLabel('Lecture video').setInputFiles(file);
    await again.getByRole('button', { name: 'Upload lecture' }).click();
    await again.getByText('Resuming your earlier upload').waitFor();
    await again.locator('.lecture-page h2', { hasText: 'Noise, 3 seconds' }).waitFor({ timeout: 60_000 });
    // It asked the server where to go on (at least as far as we saw before) and sent only the rest.
    expect(headOffsets[0]).toBeGreaterThanOrEqual(offset);
    expect(patchOffsets[0]).toBe(headOffsets[0]);

    const { items } = await apiCall<{ items: Lecture[] }>(`/projects/${projectId}/lectures`, {
      token: olive.token,
    });
    const lecture = items.find((l) => l.title === 'Noise, 3 seconds')!;
    const asset = await apiCall<Asset>(`/assets/${lecture.assetId}`, { token: olive.token });
    expect(asset.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(asset.byteSize).toBe(bytes.length);
    expect(asset.kind).toBe('video');
    expect(lecture.durationSec).toBeCloseTo(3, 0);
    await screenshot(again, 'lecture-upload-resumed');
    await again.close();
  });

  it("two members watch the same lecture's candidates; one moves a weight and the other's ranking changes within a second", async () => {
    // The lecture and a completed analysis, put in place as a test may: the video is uploaded
    // through the API, the analysis written through the job store (the pipeline is not on this branch).
    const form = new FormData();
    form.append('file', new Blob([readFileSync(join(dir, 'heat.mp4'))]), 'heat.mp4');
    const res = await fetch(`${stack.baseUrl}/api/v1/projects/${projectId}/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${olive.token}` },
      body: form,
    });
    expect(res.status).toBe(201);
    const video = (await res.json()) as Asset;
    const lecture = await apiCall<Lecture>(`/projects/${projectId}/lectures`, {
      method: 'POST',
      json: { title: 'Heat, briefly', assetId: video.id },
      token: olive.token,
    });
    await seedLectureAnalysis(sql, createLocalBlobStore(join(stack.dataDir, 'blobs')), {
      projectId,
      lectureId: lecture.id,
      userId: olive.id,
      results: sampleLectureAnalysis(20),
    });

    const open = async (who: Account) => {
      const { page, errors } = await signIn(browser, stack.baseUrl, who);
      await openLectures(page);
      await page.getByRole('button', { name: 'Heat, briefly', exact: true }).click();
      await page.locator('.candidate-grid > li').first().waitFor({ timeout: 20_000 });
      return { page, errors };
    };
    const order = (page: Page) =>
      page
        .locator('.candidate-grid > li')
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.candidateId));
    const o = await open(olive);
    const e = await open(eddie);
    expect(await order(e.page)).toEqual(['c-keyidea', 'c-summary', 'c-question']);
    // The transcript is synced to the player: a click on a word seeks there.
    await e.page.locator('.transcript button.word', { hasText: 'summary' }).click();
    await expect
      .poll(() => e.page.locator('video.lecture-player').evaluate((v) => (v as HTMLVideoElement).currentTime))
      .toBeGreaterThan(12);
    await expect.poll(() => e.page.locator('.transcript .word.current').textContent()).toBe('summary');

    // One move flips the top: with cue phrases weighing 1 the summary outranks the key idea.
    const moved = Date.now();
    await o.page.getByLabel('Cue phrases weight').fill('1');
    let seenAfter = Number.POSITIVE_INFINITY;
    for (const deadline = moved + 3000; Date.now() < deadline; ) {
      const now = await order(e.page);
      if (now[0] === 'c-summary') {
        seenAfter = Date.now() - moved;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(seenAfter).toBeLessThan(1000);
    expect(await order(e.page)).toEqual(['c-summary', 'c-question', 'c-keyidea']);
    // The other member's slider shows the new weight, and the score bars are split per signal.
    expect(await e.page.getByLabel('Cue phrases weight').inputValue()).toBe('1');
    const parts = await e.page
      .locator('.candidate-grid > li')
      .first()
      .locator('.score-part')
      .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.signal));
    expect(parts).toEqual(['keyphrase', 'emphasis', 'cue', 'structure', 'pause']);
    // The API ranks with the same weights once the realtime server has stored them.
    await expect
      .poll(
        async () =>
          (
            await apiCall<{ items: Array<{ candidate: { id: string } }> }>(
              `/lectures/${lecture.id}/candidates`,
              {
                token: eddie.token,
              },
            )
          ).items.map((i) => i.candidate.id),
        { timeout: 10_000 },
      )
      .toEqual(['c-summary', 'c-question', 'c-keyidea']);
    await screenshot(e.page, 'lecture-candidates-reranked');
    expect(o.errors).toEqual([]);
    expect(e.errors).toEqual([]);
  });
});
