/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LmsPackageInput, writeLmsPackage } from '@clapboard/gpu-worker/export-lms';
import { type LessonMedia, makeLessonMedia, readZip, unpackZip } from '@clapboard/server/testing';
import type { LessonQuiz, LmsFormat } from '@clapboard/shared/lessons';
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, launchChromium } from '../support/browser';
import { type LrsStandIn, startLrsStandIn } from '../support/lrs-stand-in';
import { type StaticServer, startStaticServer } from '../support/static-server';

/**
 * LMS packages in a real browser: each package is built by the export's own writer, unpacked as an
 * LMS would, served from a plain web server and launched from a host page on which scorm-again
 * plays the LMS's SCORM API (SCORM 1.2 `window.API`, SCORM 2004 `window.API_1484_11`), or, for
 * cmi5, with launch parameters pointing at a local LRS stand-in. The video really plays (muted,
 * faster than real time); every request the page makes is recorded.
 */

const tmp = mkdtempSync(join(tmpdir(), 'clapboard-e2e-lms-'));
const SCORM_AGAIN = fileURLToPath(
  new URL('../../node_modules/scorm-again/dist/scorm-again.js', import.meta.url),
);
const lessonId = randomUUID();
const quiz: LessonQuiz = {
  passPercent: 100,
  questions: [
    {
      id: 'q1',
      prompt: 'Where do you meet after a fire alarm?',
      choices: ['At the car park', 'At my desk'],
      answer: 0,
    },
    { id: 'q2', prompt: 'Do you use the lift?', choices: ['Yes', 'No'], answer: 1 },
  ],
};

/** The host page: the LMS side. `lms.launch` makes a fresh API (with the stored data) per launch. */
const HOST = `<!doctype html><html><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="/scorm-again.js"></script></head><body>
<iframe id="sco" width="1100" height="800"></iframe>
<script>
window.lms = {
  launch(version, url, saved) {
    const settings = { autocommit: false, logLevel: 5 };
    delete window.API; delete window.API_1484_11;
    if (version === '1.2') { window.API = new Scorm12API(settings); if (saved) window.API.loadFromJSON(saved); }
    else { window.API_1484_11 = new Scorm2004API(settings); if (saved) window.API_1484_11.loadFromJSON(saved); }
    document.getElementById('sco').src = url;
  },
  close() { document.getElementById('sco').src = 'about:blank'; },
  cmi() { const api = window.API || window.API_1484_11; return JSON.parse(JSON.stringify(api.cmi)); },
};
</script></body></html>`;

/** The SCORM data as scorm-again holds it (1.2 under `core`, 2004 at the top). */
interface Cmi {
  core: { lesson_status: string; lesson_location: string; exit: string; score: { raw: string } };
  completion_status: string;
  success_status: string;
  exit: string;
  location: string;
  progress_measure: string;
  score: { scaled: string };
}
interface LmsHost {
  lms: { launch(version: string, url: string, saved: unknown): void; close(): void; cmi(): Cmi };
}
interface PlayerWindow {
  ClapboardLesson: { outcome(): { fraction: number } };
}

let media: LessonMedia;
let server: StaticServer;
let lrs: LrsStandIn;
let browser: Browser;

async function buildPackage(name: string, format: LmsFormat, withQuiz: boolean, completionPercent = 90) {
  const input: LmsPackageInput = {
    format,
    lessonId,
    renderJobId: randomUUID(),
    title: 'Fire drill',
    video: { file: media.video, durationSec: media.durationSec },
    captions: media.captions,
    poster: { file: media.poster, mime: 'image/jpeg' },
    chapters: media.chapters,
    completionPercent,
    quiz: withQuiz ? quiz : null,
  };
  const zip = join(tmp, `${name}.zip`);
  await writeLmsPackage(input, zip);
  unpackZip(await readZip(zip), join(tmp, 'pkg', name));
}

beforeAll(async () => {
  mkdirSync(join(tmp, 'media'));
  media = makeLessonMedia(join(tmp, 'media'), 3);
  await Promise.all([
    buildPackage('s12', 'scorm12', false),
    buildPackage('s12quiz', 'scorm12', true),
    buildPackage('s2004', 'scorm2004', false),
    buildPackage('s2004quiz', 'scorm2004', true),
    buildPackage('cmi5', 'cmi5', false),
    buildPackage('cmi5quiz', 'cmi5', true),
  ]);
  writeFileSync(join(tmp, 'host.html'), HOST);
  [server, lrs, browser] = await Promise.all([
    startStaticServer({
      '/pkg': join(tmp, 'pkg'),
      '/host.html': join(tmp, 'host.html'),
      '/scorm-again.js': SCORM_AGAIN,
    }),
    startLrsStandIn(),
    launchChromium(),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await lrs?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Session {
  page: Page;
  errors: string[];
  /** Every request the page and its frames made, with the frame's URL. */
  requests: Array<{ url: string; frameUrl: string }>;
}

async function openPage(): Promise<Session> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const requests: Session['requests'] = [];
  page.on('request', (r) => requests.push({ url: r.url(), frameUrl: r.frame().url() }));
  return { page, errors: collectErrors(page), requests };
}

/** Launches package `name` in the host page's frame and waits until the player is ready. */
async function launchSco(s: Session, version: '1.2' | '2004', name: string, saved?: unknown): Promise<Frame> {
  if (!s.page.url().endsWith('/host.html')) await s.page.goto(`${server.url}/host.html`);
  await s.page.evaluate(([v, url, data]) => (window as unknown as LmsHost).lms.launch(v, url, data), [
    version,
    `${server.url}/pkg/${name}/index.html`,
    saved ?? null,
  ] as const);
  // The frame's URL changes once the navigation commits (a relaunch reuses the same frame).
  let frame: Frame | undefined;
  await expect
    .poll(() => {
      frame = s.page.frames().find((f) => f.url().includes(`/pkg/${name}/`));
      return !!frame;
    })
    .toBe(true);
  if (!frame) throw new Error('no SCO frame');
  await frame.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return frame;
}

const cmi = (s: Session) => s.page.evaluate(() => (window as unknown as LmsHost).lms.cmi());

/** Plays the lesson video for real (muted, `rate`× speed) from `from` until it ends. */
async function playToEnd(frame: Frame, from: number, rate = 3): Promise<void> {
  await frame.evaluate(
    async ([start, r]) => {
      const v = document.getElementById('lesson-video') as HTMLVideoElement;
      v.muted = true;
      v.playbackRate = r;
      v.currentTime = start;
      await v.play();
    },
    [from, rate] as const,
  );
  await frame.waitForFunction(
    () => (document.getElementById('lesson-video') as HTMLVideoElement).ended,
    null,
    {
      timeout: 20_000,
    },
  );
}

/** Requests that went anywhere but the package itself (and, on the LMS side, its own page and API). */
function outside(s: Session, name: string, alsoAllowed: string[] = []): string[] {
  const pkg = `${server.url}/pkg/${name}/`;
  const lmsOwn = [`${server.url}/host.html`, `${server.url}/scorm-again.js`];
  return s.requests
    .filter((r) => {
      const fromPackage = r.frameUrl.startsWith(pkg);
      const allowed = fromPackage ? [pkg, ...alsoAllowed] : [pkg, ...lmsOwn, ...alsoAllowed, 'about:blank'];
      return !allowed.some((a) => r.url.startsWith(a));
    })
    .map((r) => `${r.frameUrl} → ${r.url}`);
}

async function answerQuiz(frame: Frame, answers: number[]): Promise<string> {
  await frame.waitForSelector('#lesson-quiz-form');
  for (const [qi, ci] of answers.entries()) await frame.check(`input[name="q-${qi}"][value="${ci}"]`);
  await frame.click('#lesson-quiz-form button[type="submit"]');
  return (await frame.textContent('#lesson-quiz-result')) ?? '';
}

describe('SCORM 1.2 package in scorm-again', () => {
  it('completes only when the video was really watched; seeking ahead does not count', async () => {
    const s = await openPage();
    const frame = await launchSco(s, '1.2', 's12');
    expect((await cmi(s)).core.lesson_status).toBe('incomplete');
    // Jump to the last 10 % and let it play out: 0.3 s watched of 3 s is far from 90 %.
    await playToEnd(frame, 2.7);
    await frame.waitForFunction(() =>
      document.getElementById('lesson-progress')!.textContent!.includes('Watched'),
    );
    expect((await cmi(s)).core.lesson_status).toBe('incomplete');
    // Now the whole video: completed, and the chapter menu and captions were there all along.
    await playToEnd(frame, 0);
    await s.page.waitForFunction(
      () => (window as unknown as LmsHost).lms.cmi().core.lesson_status === 'completed',
    );
    expect(await frame.locator('.lesson-chapter').allTextContents()).toEqual([
      '0:00Welcome',
      '0:01The one idea',
    ]);
    expect(
      await frame.evaluate(
        () => (document.getElementById('lesson-video') as HTMLVideoElement).textTracks[0]?.kind,
      ),
    ).toBe('captions');
    expect(await frame.textContent('#lesson-progress')).toBe('Lesson complete.');
    expect(outside(s, 's12')).toEqual([]);
    expect(s.requests.some((r) => r.url.endsWith('/media/lesson.mp4'))).toBe(true);
    expect(s.errors).toEqual([]);
    await s.page.context().close();
  });

  it('a relaunch resumes at the stored position with the watched parts kept', async () => {
    const s = await openPage();
    const frame = await launchSco(s, '1.2', 's12');
    await frame.evaluate(async () => {
      const v = document.getElementById('lesson-video') as HTMLVideoElement;
      v.muted = true;
      await v.play();
    });
    await frame.waitForFunction(
      () => (document.getElementById('lesson-video') as HTMLVideoElement).currentTime > 1.2,
    );
    const paused = await frame.evaluate(async () => {
      const v = document.getElementById('lesson-video') as HTMLVideoElement;
      v.pause();
      await new Promise((r) => setTimeout(r, 50));
      return v.currentTime;
    });
    await s.page.evaluate(() => (window as unknown as LmsHost).lms.close());
    await s.page.waitForFunction(() => (window as unknown as LmsHost).lms.cmi().core.exit === 'suspend');
    const saved = await cmi(s);
    expect(Number(saved.core.lesson_location)).toBeCloseTo(paused, 0);
    expect(saved.core.lesson_status).toBe('incomplete');

    const again = await launchSco(s, '1.2', 's12', saved);
    const resumed = await again.evaluate(() => ({
      at: (document.getElementById('lesson-video') as HTMLVideoElement).currentTime,
      watched: (window as unknown as PlayerWindow).ClapboardLesson.outcome().fraction,
    }));
    expect(Math.abs(resumed.at - paused)).toBeLessThan(0.2);
    expect(resumed.watched).toBeGreaterThan(0.3);
    expect(outside(s, 's12')).toEqual([]);
    await s.page.context().close();
  });

  it('with a quiz: a fail is failed, a pass is passed with the score', async () => {
    const s = await openPage();
    const frame = await launchSco(s, '1.2', 's12quiz');
    await playToEnd(frame, 0);
    expect((await cmi(s)).core.lesson_status).toBe('incomplete');
    expect(await answerQuiz(frame, [1, 1])).toContain('You need 100% to pass');
    await s.page.waitForFunction(
      () => (window as unknown as LmsHost).lms.cmi().core.lesson_status === 'failed',
    );
    expect((await cmi(s)).core.score.raw).toBe('50');
    expect(await answerQuiz(frame, [0, 1])).toContain('You passed');
    await s.page.waitForFunction(
      () => (window as unknown as LmsHost).lms.cmi().core.lesson_status === 'passed',
    );
    expect((await cmi(s)).core.score.raw).toBe('100');
    expect(outside(s, 's12quiz')).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.page.context().close();
  });
});

describe('SCORM 2004 4th Edition package in scorm-again', () => {
  it('watched to the threshold: completion_status completed, progress measured, resume from cmi.location', async () => {
    const s = await openPage();
    const frame = await launchSco(s, '2004', 's2004');
    expect((await cmi(s)).completion_status).toBe('incomplete');
    await playToEnd(frame, 0);
    await s.page.waitForFunction(
      () => (window as unknown as LmsHost).lms.cmi().completion_status === 'completed',
    );
    expect(Number((await cmi(s)).progress_measure)).toBeGreaterThanOrEqual(0.9);
    // Seek into the middle, pause there, leave; the next launch starts there.
    await frame.evaluate(async () => {
      const v = document.getElementById('lesson-video') as HTMLVideoElement;
      v.currentTime = 1.5;
      await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
      v.pause();
    });
    await s.page.evaluate(() => (window as unknown as LmsHost).lms.close());
    await s.page.waitForFunction(() => (window as unknown as LmsHost).lms.cmi().exit === 'normal');
    const saved = await cmi(s);
    expect(Number(saved.location)).toBeCloseTo(1.5, 1);
    const again = await launchSco(s, '2004', 's2004', saved);
    expect(
      await again.evaluate(() => (document.getElementById('lesson-video') as HTMLVideoElement).currentTime),
    ).toBeCloseTo(1.5, 1);
    expect(await again.textContent('#lesson-progress')).toBe('Lesson complete.');
    expect(outside(s, 's2004')).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.page.context().close();
  });

  it('with a quiz: failing leaves it incomplete and failed; passing completes it with the scaled score', async () => {
    const s = await openPage();
    const frame = await launchSco(s, '2004', 's2004quiz');
    await playToEnd(frame, 0);
    await answerQuiz(frame, [0, 0]);
    await s.page.waitForFunction(() => (window as unknown as LmsHost).lms.cmi().success_status === 'failed');
    expect((await cmi(s)).completion_status).toBe('incomplete');
    await answerQuiz(frame, [0, 1]);
    await s.page.waitForFunction(() => (window as unknown as LmsHost).lms.cmi().success_status === 'passed');
    const data = await cmi(s);
    expect(data.completion_status).toBe('completed');
    expect(Number(data.score.scaled)).toBe(1);
    expect(outside(s, 's2004quiz')).toEqual([]);
    await s.page.context().close();
  });
});

describe('cmi5 package against an LRS stand-in', () => {
  const actor = { objectType: 'Agent', name: 'Lee Learner', account: { homePage: 'urn:lms', name: 'lee' } };
  const auId = `urn:clapboard:lesson:${lessonId}:au`;

  it('launch → initialized, watched → completed (moveOn), leave → terminated; only the package and the LRS are asked', async () => {
    const registration = randomUUID();
    const { query, sessionId } = lrs.prepareLaunch({
      activityId: auId,
      actor,
      registration,
      moveOn: 'Completed',
    });
    const s = await openPage();
    await s.page.goto(`${server.url}/pkg/cmi5/index.html?${query}`);
    await s.page.waitForSelector('body[data-ready="true"][data-runtime="cmi5"]', { state: 'attached' });
    const mine = () => lrs.statements.filter((st) => st.context?.registration === registration);
    await expect
      .poll(() => mine().map((st) => st.verb.id))
      .toEqual(['http://adlnet.gov/expapi/verbs/initialized']);
    await playToEnd(s.page.mainFrame(), 0);
    await expect
      .poll(() => mine().map((st) => st.verb.id.split('/').pop()))
      .toEqual(['initialized', 'completed']);
    const completed = mine()[1]!;
    expect(completed.actor).toEqual(actor);
    expect(completed.object.id).toBe(auId);
    expect(completed.result).toMatchObject({ completion: true, duration: expect.stringMatching(/^PT/) });
    expect(completed.context!.extensions!['https://w3id.org/xapi/cmi5/context/extensions/sessionid']).toBe(
      sessionId,
    );
    expect(completed.context!.contextActivities!.category!.map((c) => c.id).sort()).toEqual([
      'https://w3id.org/xapi/cmi5/context/categories/cmi5',
      'https://w3id.org/xapi/cmi5/context/categories/moveon',
    ]);
    await s.page.goto('about:blank');
    await expect
      .poll(() => mine().map((st) => st.verb.id.split('/').pop()))
      .toEqual(['initialized', 'completed', 'terminated']);
    // The AU kept its place in its own state document.
    const resume = lrs.state.get(`urn:clapboard:lesson-player:resume|${auId}|${registration}`) as {
      location: number;
    };
    expect(resume.location).toBeGreaterThan(2.5);
    expect(outside(s, 'cmi5', [lrs.url])).toEqual([]);
    expect(s.requests.some((r) => r.url.startsWith(lrs.url))).toBe(true);
    await s.page.context().close();
  });

  it('a relaunch in the same registration resumes where the learner paused (xAPI state)', async () => {
    const registration = randomUUID();
    const open = async () => {
      const { query } = lrs.prepareLaunch({ activityId: auId, actor, registration, moveOn: 'Completed' });
      const s = await openPage();
      await s.page.goto(`${server.url}/pkg/cmi5/index.html?${query}`);
      await s.page.waitForSelector('body[data-ready="true"][data-runtime="cmi5"]', { state: 'attached' });
      return s;
    };
    const first = await open();
    await first.page.evaluate(async () => {
      const v = document.getElementById('lesson-video') as HTMLVideoElement;
      v.muted = true;
      await v.play();
    });
    await first.page.waitForFunction(
      () => (document.getElementById('lesson-video') as HTMLVideoElement).currentTime > 1.2,
    );
    const paused = await first.page.evaluate(() => {
      const v = document.getElementById('lesson-video') as HTMLVideoElement;
      v.pause();
      return v.currentTime;
    });
    await first.page.goto('about:blank');
    await expect
      .poll(() =>
        lrs.statements
          .filter((st) => st.context?.registration === registration)
          .map((st) => st.verb.id.split('/').pop()),
      )
      .toEqual(['initialized', 'terminated']);
    await first.page.context().close();

    const second = await open();
    const at = await second.page.evaluate(
      () => (document.getElementById('lesson-video') as HTMLVideoElement).currentTime,
    );
    expect(Math.abs(at - paused)).toBeLessThan(0.2);
    await second.page.context().close();
  });

  it('with a quiz: the pass is a passed statement with the score and the mastery score', async () => {
    const registration = randomUUID();
    const { query } = lrs.prepareLaunch({
      activityId: auId,
      actor,
      registration,
      moveOn: 'CompletedAndPassed',
      masteryScore: 1,
    });
    const s = await openPage();
    await s.page.goto(`${server.url}/pkg/cmi5quiz/index.html?${query}`);
    await s.page.waitForSelector('body[data-ready="true"][data-runtime="cmi5"]', { state: 'attached' });
    await playToEnd(s.page.mainFrame(), 0);
    await answerQuiz(s.page.mainFrame(), [1, 1]);
    await answerQuiz(s.page.mainFrame(), [0, 1]);
    const mine = () => lrs.statements.filter((st) => st.context?.registration === registration);
    await expect
      .poll(() => mine().map((st) => st.verb.id.split('/').pop()))
      .toEqual(['initialized', 'completed', 'failed', 'passed']);
    const passed = mine()[3]!;
    expect(passed.result).toMatchObject({ success: true, score: { scaled: 1 } });
    expect(passed.context!.extensions!['https://w3id.org/xapi/cmi5/context/extensions/masteryscore']).toBe(1);
    expect(outside(s, 'cmi5quiz', [lrs.url])).toEqual([]);
    await s.page.context().close();
  });

  it('opened without launch parameters it plays, says progress is not recorded, and asks nothing outside', async () => {
    const s = await openPage();
    await s.page.goto(`${server.url}/pkg/cmi5/index.html`);
    await s.page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    expect(await s.page.textContent('#lesson-progress')).toContain('not being recorded');
    expect(outside(s, 'cmi5')).toEqual([]);
    await s.page.context().close();
  });
});
