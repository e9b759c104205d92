import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAsset } from '@clapboard/server/assets';
import { ffprobe } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import {
  insertLessonRender,
  type LessonMedia,
  type LessonRenderFixture,
  makeLessonMedia,
  readZip,
  unpackZip,
} from '@clapboard/server/testing';
import type { LessonQuiz, LmsFormat } from '@clapboard/shared/lessons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { exportLmsPipeline, packageSchemaFiles } from '../src/pipelines/export-lms';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { missingReferences, outsideUrls, validateManifest } from './support/lms-package-checks';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-lms-'));
const store = createLocalBlobStore(join(dir, 'blobs'));
const quiz: LessonQuiz = {
  passPercent: 80,
  questions: [
    { id: 'q1', prompt: 'What colour is the sky on a clear day?', choices: ['Blue', 'Green'], answer: 0 },
    { id: 'q2', prompt: 'How many minutes in an hour?', choices: ['50', '60', '100'], answer: 1 },
  ],
};

describe('export.lms through the real queue and worker', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  let media: LessonMedia;
  let render: LessonRenderFixture;

  beforeAll(async () => {
    h = await createJobHarness();
    worker = h.createWorker({
      store,
      pipelines: pipelineRegistry([exportLmsPipeline({ store }) as Pipeline<never>]),
    });
    mkdirSync(join(dir, 'media'));
    media = makeLessonMedia(join(dir, 'media'), 3);
    render = await insertLessonRender(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      title: 'Fire safety <basics> & "drills"',
      files: media,
      videoDurationSec: media.durationSec,
      chapters: media.chapters,
      content: { quiz },
    });
    await worker.ready();
  });
  afterAll(async () => {
    await worker.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one export to its end; returns the finished event and, when completed, the unpacked zip. */
  async function exportAs(params: Record<string, unknown>) {
    const jobId = await h.enqueue('export.lms', params);
    const watcher = await h.watch(jobId);
    await waitFor(
      () => watcher.finished.length,
      (n) => n === 1,
      60_000,
    );
    const finished = watcher.finished[0]!;
    if (finished.status !== 'completed') return { finished, files: null, unpacked: '', watcher };
    const out = finished.outputs.find((o) => o.name === 'package')!;
    const [asset] = await h.db.sql<{ storage_key: string; mime: string; original_name: string }[]>`
      select storage_key, mime, original_name from assets where id = ${out.assetId!}`;
    expect(asset!.mime).toBe('application/zip');
    const zipFile = join(dir, `${jobId}.zip`);
    await downloadAsset(store, asset!.storage_key, zipFile);
    const files = await readZip(zipFile);
    const unpacked = join(dir, `unpacked-${jobId}`);
    unpackZip(files, unpacked);
    return { finished, files, unpacked, watcher, asset: asset!, output: out };
  }

  const formats: LmsFormat[] = ['scorm12', 'scorm2004', 'cmi5'];
  for (const format of formats) {
    it(`${format}: a valid, self-contained package with the render's video, captions, chapters and quiz`, async () => {
      const r = await exportAs({
        lessonJobId: render.jobId,
        format,
        completionPercent: 75,
        includeQuiz: true,
      });
      expect(r.finished.status).toBe('completed');
      const files = r.files!;

      // The manifest validates against the published schemas (SCORM: the ones in the package).
      expect(() => validateManifest(format, r.unpacked)).not.toThrow();
      expect(missingReferences(files)).toEqual([]);
      expect(outsideUrls(files)).toEqual([]);
      const schemaNames = packageSchemaFiles(format).map((f) => f.slice(f.lastIndexOf('/') + 1));
      for (const name of schemaNames) expect(files.has(name)).toBe(true);

      // The render's files, unchanged: the video is byte-identical and still H.264/AAC.
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(sha(files.get('media/lesson.mp4')!)).toBe(sha(readFileSync(media.video)));
      expect(files.get('media/captions.vtt')!.toString()).toContain('Here is the one idea.');
      expect(files.has('media/poster.jpg')).toBe(true);
      const probe = await ffprobe(join(r.unpacked, 'media/lesson.mp4'));
      expect(probe.streams.map((s) => s.codecName).sort()).toEqual(['aac', 'h264']);

      // The page carries the lesson: title (escaped), chapters, the quiz, the threshold.
      const page = files.get('index.html')!.toString();
      expect(page).toContain('<title>Fire safety &lt;basics&gt; &amp; &quot;drills&quot;</title>');
      const config = JSON.parse(
        /<script type="application\/json" id="lesson-config">(.*?)<\/script>/s.exec(page)![1]!,
      );
      expect(config).toMatchObject({ runtime: format, completionPercent: 75, durationSec: 3 });
      expect(config.chapters).toEqual(media.chapters);
      expect(config.quiz).toEqual(quiz);
      expect(page).toContain('<track kind="captions" src="media/captions.vtt"');

      if (format === 'scorm12') {
        const manifest = files.get('imsmanifest.xml')!.toString();
        expect(manifest).toContain('<schemaversion>1.2</schemaversion>');
        expect(manifest).toContain('adlcp:scormtype="sco" href="index.html"');
        expect(manifest).toContain('<adlcp:masteryscore>80</adlcp:masteryscore>');
        expect(files.has('player/runtime-scorm.js')).toBe(true);
        expect(files.has('player/runtime-cmi5.js')).toBe(false);
      }
      if (format === 'scorm2004') {
        const manifest = files.get('imsmanifest.xml')!.toString();
        expect(manifest).toContain('<schemaversion>2004 4th Edition</schemaversion>');
        expect(manifest).toContain('adlcp:scormType="sco"');
        expect(manifest).toContain('completionSetByContent="true"');
        expect(manifest).toContain('<imsss:minNormalizedMeasure>0.80</imsss:minNormalizedMeasure>');
      }
      if (format === 'cmi5') {
        const course = files.get('cmi5.xml')!.toString();
        expect(course).toContain('moveOn="CompletedAndPassed"');
        expect(course).toContain('masteryScore="0.80"');
        expect(course).toContain('<url>index.html</url>');
        expect(files.has('imsmanifest.xml')).toBe(false);
        expect(files.has('player/runtime-cmi5.js')).toBe(true);
      }
      expect(r.asset!.original_name).toMatch(/\.zip$/);
      expect(r.output!.value).toMatchObject({ format, quiz: true, files: files.size });
      // Progress climbed to 100 and never went back.
      const percents = r.watcher.progress.map((p) => p.progress);
      expect(percents.at(-1)).toBe(100);
      expect(percents).toEqual([...percents].sort((a, b) => a - b));
    });
  }

  it('without the quiz: completion is watching alone (no mastery score, moveOn Completed)', async () => {
    const s12 = await exportAs({ lessonJobId: render.jobId, format: 'scorm12', includeQuiz: false });
    expect(s12.files!.get('imsmanifest.xml')!.toString()).not.toContain('masteryscore');
    expect(() => validateManifest('scorm12', s12.unpacked)).not.toThrow();
    const page = s12.files!.get('index.html')!.toString();
    expect(page).toContain('"quiz":null');
    expect(page).toContain('"completionPercent":90');
    const c = await exportAs({ lessonJobId: render.jobId, format: 'cmi5', includeQuiz: false });
    const course = c.files!.get('cmi5.xml')!.toString();
    expect(course).toContain('moveOn="Completed"');
    expect(course).not.toContain('masteryScore');
    const s04 = await exportAs({ lessonJobId: render.jobId, format: 'scorm2004', includeQuiz: false });
    expect(s04.files!.get('imsmanifest.xml')!.toString()).not.toContain('imsss:objectives');
    expect(() => validateManifest('scorm2004', s04.unpacked)).not.toThrow();
  });

  it('a manifest that breaks the schema is caught by the validation (the check can fail)', async () => {
    const r = await exportAs({ lessonJobId: render.jobId, format: 'scorm2004', includeQuiz: true });
    const broken = join(r.unpacked, 'imsmanifest.xml');
    const text = readFileSync(broken, 'utf8').replace(
      'completionSetByContent="true"',
      'completionSetByContent="yes"',
    );
    const { writeFileSync } = await import('node:fs');
    writeFileSync(broken, text);
    expect(() => validateManifest('scorm2004', r.unpacked)).toThrow(/completionSetByContent/);
  });

  it('a render whose lesson was deleted fails the export with the reason, without a retry', async () => {
    const other = await insertLessonRender(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      title: 'Soon gone',
      files: media,
      videoDurationSec: media.durationSec,
    });
    await h.db.sql`update lessons set deleted_at = now() where id = ${other.lessonId}`;
    const r = await exportAs({ lessonJobId: other.jobId, format: 'scorm12' });
    expect(r.finished.status).toBe('failed');
    expect(r.finished.error).toMatch(/lesson of that render has been deleted/);
    const [step] = await h.db.sql<{ attempts: number }[]>`
      select attempts from job_steps s join jobs j on j.id = s.job_id
      where j.params->>'lessonJobId' = ${other.jobId} and s.name = 'package'`;
    expect(step!.attempts).toBe(1);
  });

  it('a preview render is not exported', async () => {
    const preview = await insertLessonRender(h.db.sql, store, {
      projectId: h.projectId,
      userId: h.userId,
      mode: 'preview',
      files: media,
      videoDurationSec: media.durationSec,
    });
    const r = await exportAs({ lessonJobId: preview.jobId, format: 'cmi5' });
    expect(r.finished.status).toBe('failed');
    expect(r.finished.error).toMatch(/preview render/);
  });
});
