import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sql } from '@clapboard/server/db';
import { buildFlow, jobStore } from '@clapboard/server/jobs';
import { createLogger } from '@clapboard/server/logger';
import { createLocalBlobStore } from '@clapboard/server/storage';
import { estimatePlan } from '@clapboard/shared/job-plan';
import { JOB_CATALOG, type JobOutput } from '@clapboard/shared/jobs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUserModels } from '../src/models/load-user-models';
import { createModelRegistry, type ModelRegistry } from '../src/models/model-registry';
import { userImageGenerator } from '../src/models/user-image-generator';
import { mattingSpec } from '../src/vision/matting-model';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';
import { buildDocument, type TestProject, writeDocument } from './support/render-project';
import { assetToFile, renderWorker, SKIMAGE, uploadAsset } from './support/render-test-kit';
import { tinyTextToImage, tinyTextToImageManifest } from './tiny-models';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-frames-'));
const store = createLocalBlobStore(join(dir, 'blobs'));
const log = createLogger('frame-jobs-test', { level: 'silent' });

type Row = { status: string; error: string | null; outputs: JobOutput[] };
type FrameValue = { seed: number; sha256: string; kind: string; warnings: string[] };
const frameValue = (o: JobOutput) => o.value as FrameValue;

/**
 * Enqueues a job while the worker is paused, so the watcher is in the job's room before the first
 * event, then waits for the row to end and for its one `job:finished`.
 */
async function runJob(h: JobHarness, worker: ClapboardWorker, type: string, params: Record<string, unknown>) {
  await Promise.all(worker.workers.map((w) => w.pause(true)));
  const jobId = await h.enqueue(type, params);
  const events = await h.watch(jobId);
  for (const w of worker.workers) w.resume();
  const row = await waitFor(
    () => h.db.sql<Row[]>`select status, error, outputs from jobs where id = ${jobId}`.then((r) => r[0]!),
    (r) => ['completed', 'failed', 'cancelled'].includes(r.status),
    180_000,
  );
  await waitFor(
    () => events.finished.length,
    (n) => n >= 1,
  );
  return { jobId, row, events };
}

/** Decoded RGB pixels of an asset, with its size. */
async function pixels(h: JobHarness, assetId: string) {
  const file = await assetToFile(h, store, assetId, join(dir, `${assetId}.png`));
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute difference per channel value (0–255) of two same-size images. */
function meanDiff(a: Buffer, b: Buffer): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - b[i]!);
  return total / a.length;
}

function pairwise<T>(items: T[]): Array<[T, T]> {
  return items.flatMap((a, i) => items.slice(i + 1).map((b) => [a, b] as [T, T]));
}

describe('scene.frame and scene.variations through the real queue, worker, Postgres, matting and sharp', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  let registry: ModelRegistry;
  let project: TestProject;
  let variations: JobOutput[];
  let frame: JobOutput;

  beforeAll(async () => {
    h = await createJobHarness();
    // The real matting model cuts Mara out of her portrait.
    registry = createModelRegistry({ device: { requested: 'cpu', provider: 'cpu', reason: null }, log });
    registry.register(mattingSpec());
    worker = renderWorker(h, store, { registry });
    await worker.ready();
    const astronaut = await uploadAsset(h, store, join(SKIMAGE, 'astronaut.png'), 'image', 'image/png');
    project = {
      scenes: [
        { id: 'intro', heading: 'EXT. ROAD - DAY', synopsis: 'A bus arrives' },
        {
          id: 'pier',
          heading: 'EXT. HARBOUR - NIGHT',
          synopsis: 'Mara waits on the pier',
          dialogue: [
            { character: 'MARA', text: 'The ferry is late again.' },
            { character: 'JONAS', text: 'It always is.' },
          ],
          shot: 'medium',
          seed: 1234,
        },
      ],
      characters: { MARA: { portraitAssetId: astronaut }, JONAS: {} },
    };
    await writeDocument(h, project);
    // Frames are drawn at the project's defaults, as the Settings tab saves them.
    await h.db
      .sql`update projects set settings = ${h.db.sql.json({ resolution: '480p', aspectRatio: '16:9' })} where id = ${h.projectId}`;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await registry?.close();
  });

  it('scene.variations with count 3: three different images of the right size, previews in order, one finish', async () => {
    const { row, events } = await runJob(h, worker, 'scene.variations', { sceneId: 'pier', count: 3 });
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    variations = row.outputs;
    expect(row.outputs.map((o) => o.name)).toEqual(['variation-1', 'variation-2', 'variation-3']);
    expect(row.outputs.map((o) => frameValue(o).seed)).toEqual([1234, 1235, 1236]);
    expect(row.outputs.every((o) => frameValue(o).kind === 'composed')).toBe(true);

    const ids = row.outputs.map((o) => o.assetId!);
    const assets = await h.db.sql<{ id: string; kind: string; mime: string; project_id: string }[]>`
      select id, kind, mime, project_id from assets where id in ${h.db.sql(ids)}`;
    expect(assets).toHaveLength(3);
    for (const a of assets)
      expect([a.kind, a.mime, a.project_id]).toEqual(['image', 'image/png', h.projectId]);
    const images = await Promise.all(ids.map((id) => pixels(h, id)));
    for (const img of images) expect([img.width, img.height]).toEqual([854, 480]);
    // Genuinely different pictures, not the same one with noise: palette, horizon, framing.
    for (const [a, b] of pairwise(images)) expect(meanDiff(a.data, b.data)).toBeGreaterThan(10);

    // A preview as soon as each frame exists, in order, before the one job:finished.
    const previews = events.progress.filter((p) => p.previewAssetId);
    expect(previews.map((p) => p.previewAssetId)).toEqual(ids);
    expect(previews.map((p) => p.message)).toEqual([
      'Variation 1 of 3 ready',
      'Variation 2 of 3 ready',
      'Variation 3 of 3 ready',
    ]);
    const stages = events.progress.map((p) => p.stage);
    // Every event says what is happening; the long cut-out is not hidden behind an earlier stage.
    for (const stage of stages)
      expect(stage).toMatch(/^(reading the scene|variation [1-3] of 3: .+|frame|completed)$/);
    expect(stages).toContain('variation 1 of 3: cutting out MARA');
    expect(events.progress.some((p) => p.etaSec !== null)).toBe(true);
    const percents = events.progress.map((p) => p.progress);
    expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!)).toBe(true);
    expect(percents.at(-1)).toBe(100);
    expect(events.finished).toHaveLength(1);
    expect(events.finished[0]!.status).toBe('completed');
    expect(events.finished[0]!.outputs.map((o) => o.assetId)).toEqual(ids);
  }, 240_000);

  it('scene.frame draws the scene seed once, and an identical job reuses it by content address', async () => {
    const first = await runJob(h, worker, 'scene.frame', { sceneId: 'pier' });
    expect(first.row.error).toBeNull();
    expect(first.row.outputs.map((o) => o.name)).toEqual(['frame']);
    frame = first.row.outputs[0]!;
    // The same scene, seed and size as the first variation: the same picture, byte for byte.
    expect(frameValue(frame).seed).toBe(1234);
    expect(frameValue(frame).sha256).toBe(frameValue(variations[0]!).sha256);
    const img = await pixels(h, frame.assetId!);
    expect([img.width, img.height]).toEqual([854, 480]);
    expect(first.events.progress.filter((p) => p.previewAssetId).map((p) => p.message)).toEqual([
      'Frame ready',
    ]);

    const again = await runJob(h, worker, 'scene.frame', { sceneId: 'pier' });
    expect(again.row.status).toBe('completed');
    expect(again.row.outputs.map((o) => o.assetId)).toEqual([frame.assetId]);
    const steps = await h.db.sql<{ status: string }[]>`
      select status from job_steps where job_id = ${again.jobId}`;
    expect(steps.map((s) => s.status)).toEqual(['reused']);
    expect(again.events.finished).toHaveLength(1);
  }, 240_000);

  it('a picked frame is what a later render shows: as it is at the same aspect, letterboxed at another', async () => {
    const picked: TestProject = {
      ...project,
      scenes: project.scenes.map((s) => (s.id === 'pier' ? { ...s, frameAssetId: frame.assetId! } : s)),
    };
    const sql = h.db.sql as Sql;
    const [version] = await sql<{ id: string }[]>`
      insert into doc_versions (project_id, name, state, source, created_by)
      values (${h.projectId}, 'Render', ${Buffer.from(buildDocument(picked))}, 'render', ${h.userId}) returning id`;
    // Only the render's frame step for the scene: the rest of the render has its own tests.
    const renderFrame = async (preset: Record<string, unknown>) => {
      const params = { preset };
      const plan = [{ step: 'scene-1/frame', kind: 'frame', units: 1, item: { scene: 1 } }];
      const estimate = estimatePlan('render.video', plan);
      const job = await jobStore.insertJob(sql, {
        projectId: h.projectId,
        userId: h.userId,
        type: 'render.video',
        params,
        priority: 10,
        versionId: version!.id,
        estimate,
      });
      await h.queues.flows.add(
        buildFlow({
          jobId: job!.id,
          projectId: h.projectId,
          type: 'render.video',
          run: 1,
          params,
          priority: JOB_CATALOG['render.video'].priority,
          plan,
          estimate,
        }),
      );
      await waitFor(
        () => sql<Row[]>`select status, error, outputs from jobs where id = ${job!.id}`.then((r) => r[0]!),
        (r) => r.status === 'completed' || r.status === 'failed',
        120_000,
      );
      const [step] = await sql<{ outputs: JobOutput[] }[]>`
        select outputs from job_steps where job_id = ${job!.id} and name = 'scene-1/frame'`;
      return pixels(h, step!.outputs[0]!.assetId!);
    };
    const original = await pixels(h, frame.assetId!);
    const same = await renderFrame({ resolution: '480p', aspectRatio: '16:9' });
    expect(meanDiff(same.data, original.data)).toBeLessThan(1);

    const tall = await renderFrame({ resolution: '480p', aspectRatio: '9:16' });
    expect([tall.width, tall.height]).toEqual([480, 854]);
    const rowMax = (y: number) => Math.max(...tall.data.subarray(y * 480 * 3, (y + 1) * 480 * 3));
    // Black above and below the whole frame: its caption is not cut off, nothing is drawn over it.
    expect(rowMax(10)).toBe(0);
    expect(rowMax(843)).toBe(0);
    expect(rowMax(427)).toBeGreaterThan(0);
  }, 240_000);

  it('an unknown scene, or one from another project, fails at once with the reason and leaves nothing', async () => {
    const unknown = await runJob(h, worker, 'scene.frame', { sceneId: 'nope' });
    expect(unknown.row.status).toBe('failed');
    expect(unknown.row.error).toBe(
      `frame failed: This project's storyboard has no scene "nope" (2 scenes); it may have been deleted, or belong to another project.`,
    );
    expect(unknown.events.finished.map((f) => f.status)).toEqual(['failed']);
    const attempts = await h.db.sql<{ attempts: number }[]>`
      select attempts from job_steps where job_id = ${unknown.jobId}`;
    expect(attempts.map((a) => a.attempts)).toEqual([1]);

    const [other] = await h.db.sql<
      { id: string }[]
    >`insert into projects (name) values ('Other') returning id`;
    await writeDocument(h, { scenes: [{ id: 'elsewhere', heading: 'INT. ELSEWHERE - DAY' }] }, other!.id);
    const foreign = await runJob(h, worker, 'scene.variations', { sceneId: 'elsewhere', count: 2 });
    expect(foreign.row.status).toBe('failed');
    expect(foreign.row.error).toContain('has no scene "elsewhere"');
    const [{ left }] = (await h.db.sql`
      select count(*)::int as left from assets where job_id = ${foreign.jobId}`) as unknown as [
      { left: number },
    ];
    expect(left).toBe(0);
  }, 60_000);

  it('a missing portrait becomes a silhouette, with a warning on the frame and the job', async () => {
    const gone = await uploadAsset(h, store, join(SKIMAGE, 'chelsea.png'), 'image', 'image/png');
    await h.db.sql`update assets set deleted_at = now() where id = ${gone}`;
    await writeDocument(h, {
      ...project,
      scenes: [
        ...project.scenes,
        {
          id: 'hall',
          heading: 'INT. HALL - DAY',
          synopsis: 'Zed enters',
          dialogue: [{ character: 'ZED', text: 'Hello.' }],
        },
      ],
      characters: { ...project.characters, ZED: { portraitAssetId: gone } },
    });
    const { jobId, row } = await runJob(h, worker, 'scene.frame', { sceneId: 'hall' });
    expect(row.error).toBeNull();
    expect(row.status).toBe('completed');
    const warning = "ZED's portrait no longer exists; a silhouette stands in.";
    expect(frameValue(row.outputs[0]!).warnings).toEqual([warning]);
    const [job] = await h.db.sql<{ warnings: string[] }[]>`select warnings from jobs where id = ${jobId}`;
    expect(job!.warnings).toEqual([warning]);
  }, 120_000);
});

describe('frame jobs with an image model: a text-to-image ONNX model in MODELS_DIR', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  let registry: ModelRegistry;
  const modelsDir = join(dir, 'models');

  beforeAll(async () => {
    h = await createJobHarness();
    mkdirSync(join(modelsDir, 'painter'), { recursive: true });
    writeFileSync(join(modelsDir, 'painter', 'manifest.json'), JSON.stringify(tinyTextToImageManifest(32)));
    writeFileSync(join(modelsDir, 'painter', 'model.onnx'), tinyTextToImage(32));
    registry = createModelRegistry({ device: { requested: 'cpu', provider: 'cpu', reason: null }, log });
    const { models } = await loadUserModels(registry, modelsDir, log);
    const images = userImageGenerator(registry, models[0]!);
    worker = renderWorker(h, store, { registry, images });
    await worker.ready();
    await h.db
      .sql`update projects set settings = ${h.db.sql.json({ resolution: '480p', aspectRatio: '1:1' })} where id = ${h.projectId}`;
  });
  afterAll(async () => {
    await worker?.close();
    await h?.close();
    await registry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const dock = (imagePrompt?: string): TestProject => ({
    scenes: [
      {
        id: 'dock',
        heading: 'EXT. DOCK - NIGHT',
        synopsis: 'The ferry comes in',
        seed: 7,
        ...(imagePrompt ? { imagePrompt } : {}),
      },
    ],
  });

  it('generates each variation from the prompt and its seed', async () => {
    await writeDocument(h, dock('a ferry at a dock at night'));
    const { row } = await runJob(h, worker, 'scene.variations', { sceneId: 'dock', count: 2 });
    expect(row.error).toBeNull();
    expect(row.outputs.map((o) => [frameValue(o).kind, frameValue(o).seed])).toEqual([
      ['generated', 7],
      ['generated', 8],
    ]);
    const [a, b] = await Promise.all(row.outputs.map((o) => pixels(h, o.assetId!)));
    expect([a!.width, a!.height]).toEqual([480, 480]);
    expect(meanDiff(a!.data, b!.data)).toBeGreaterThan(10);

    // The prompt is part of the picture: the same seed with other words draws another image.
    await writeDocument(h, dock('sunrise over calm water'));
    const reworded = await runJob(h, worker, 'scene.frame', { sceneId: 'dock' });
    expect(frameValue(reworded.row.outputs[0]!).kind).toBe('generated');
    expect(frameValue(reworded.row.outputs[0]!).sha256).not.toBe(frameValue(row.outputs[0]!).sha256);

    // Without a prompt the frame is composed even though a model is there.
    await writeDocument(h, dock());
    const plain = await runJob(h, worker, 'scene.frame', { sceneId: 'dock' });
    expect(frameValue(plain.row.outputs[0]!).kind).toBe('composed');
  }, 120_000);
});
