import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@clapboard/server/logger';
import { runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelRegistry, type ModelRegistry } from '../src/models/model-registry';
import { parseVtt } from '../src/pipelines/render/subtitle-files';
import { ppocrSpecs } from '../src/vision/ocr-models';
import { createTextRecognizer, type TextLine, type TextRecognizer } from '../src/vision/recognize-text';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { enqueueRender, type TestProject } from './support/render-project';
import { assetText, assetToFile, outputOf, renderWorker } from './support/render-test-kit';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-burn-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

type Row = { status: string; error: string | null; outputs: JobOutput[] };
const finished = (h: JobHarness, id: string) =>
  waitFor(
    () => h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${id}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    180_000,
  );

const letters = (t: string) => t.toLowerCase().replace(/[^a-z]/g, '');

/** A long line, so the middle of it is well inside the cue whatever the voice's pace. */
const LINE = 'Meet me at the station before the last train leaves.';
const project: TestProject = {
  scenes: [
    {
      id: 'platform',
      heading: 'EXT. PLATFORM - NIGHT',
      synopsis: 'Rain on the tracks',
      dialogue: [{ character: 'MARA', text: LINE }],
      shot: 'wide',
      camera: 'static',
      durationSec: 2,
    },
  ],
  settings: { transition: 'cut' },
};

describe('render.video with burned-in subtitles, read back by the bundled PP-OCRv4', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  let registry: ModelRegistry;
  let ocr: TextRecognizer;

  beforeAll(async () => {
    h = await createJobHarness();
    registry = createModelRegistry({
      device: { requested: 'cpu', provider: 'cpu', reason: null },
      log: createLogger('burn-test-models', { level: 'silent' }),
    });
    for (const spec of ppocrSpecs()) registry.register(spec);
    ocr = await createTextRecognizer(registry);
    worker = renderWorker(h, store);
    await worker.ready();
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await registry?.close();
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log('DIR', dir);
  });

  /**
   * Renders the project at 480p and `aspectRatio`, grabs the frame in the middle of its spoken line
   * (timed by the render's own WebVTT) and returns what OCR reads on it, split into the subtitle
   * rows and the frame's own heading and caption.
   */
  async function frameMidLine(aspectRatio: '16:9' | '9:16', burnSubtitles: boolean) {
    const { jobId } = await enqueueRender(h, project, {
      preset: { resolution: '480p', aspectRatio, burnSubtitles },
    });
    const row = await finished(h, jobId);
    expect(row.error).toBeNull();
    const cues = parseVtt(await assetText(h, store, outputOf(row.outputs, 'subtitles.vtt').assetId!, dir));
    expect(cues.map((c) => c.text)).toEqual([LINE]);
    const middle = (cues[0]!.startSec + cues[0]!.endSec) / 2;
    const name = `${aspectRatio.replace(':', 'x')}-${burnSubtitles}`;
    const video = await assetToFile(
      h,
      store,
      outputOf(row.outputs, 'video').assetId!,
      join(dir, `${name}.mp4`),
    );
    const png = join(dir, `${name}.png`);
    await runFfmpeg(['-y', '-ss', middle.toFixed(3), '-i', video, '-frames:v', '1', png]);
    const lines = await ocr.recognize(png);
    const own = [letters(project.scenes[0]!.heading), letters(project.scenes[0]!.synopsis!)];
    return {
      height: aspectRatio === '16:9' ? 480 : 854,
      subtitle: lines.filter((l) => !own.includes(letters(l.text))),
      text: letters(lines.map((l) => l.text).join(' ')),
      read: lines.map((l) => `${l.text} @${Math.round(top(l))}-${Math.round(bottom(l))}`).join(' | '),
    };
  }

  const top = (l: TextLine) => Math.min(...l.box.map((p) => p[1]));
  const bottom = (l: TextLine) => Math.max(...l.box.map((p) => p[1]));
  const rowHeight = (rows: TextLine[]) => Math.max(...rows.map((l) => bottom(l) - top(l)));
  let landscapeRowPx = 0;

  it('a frame in the middle of a spoken line shows that line in the lower part of the picture', async () => {
    const { height, subtitle, text, read } = await frameMidLine('16:9', true);
    expect(text, read).toContain(letters(`MARA: ${LINE}`));
    expect(subtitle.length, read).toBeGreaterThan(0);
    for (const l of subtitle) expect(top(l), read).toBeGreaterThan(height / 2);
    landscapeRowPx = rowHeight(subtitle);
  });

  it('in a portrait frame the line is wrapped to its width, low in the picture, at the same text size', async () => {
    const { height, subtitle, text, read } = await frameMidLine('9:16', true);
    expect(text, read).toContain(letters(`MARA: ${LINE}`));
    expect(subtitle.length, read).toBeGreaterThan(1);
    for (const l of subtitle) expect(top(l), read).toBeGreaterThan(height / 2);
    // Sized by the short side like the frame's caption, not by the taller frame's height.
    expect(landscapeRowPx).toBeGreaterThan(0);
    expect(rowHeight(subtitle) / landscapeRowPx, read).toBeGreaterThan(0.8);
    expect(rowHeight(subtitle) / landscapeRowPx, read).toBeLessThan(1.25);
  });

  it('without burn-in the same frame does not show the line', async () => {
    const { text, read } = await frameMidLine('16:9', false);
    expect(text, read).not.toContain(letters('the last train'));
    expect(text, read).not.toContain('station');
    // The frame's own caption is still read, so OCR did see the picture.
    expect(text, read).toContain(letters('Rain on the tracks'));
  });
});
