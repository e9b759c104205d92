import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { runFfmpeg } from '@clapboard/server/media';
import { createLocalBlobStore } from '@clapboard/server/storage';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, pipelineRegistry } from '../src/jobs/pipeline';
import { assetsDerivePipeline } from '../src/pipelines/assets-derive';
import type { ClapboardWorker } from '../src/worker';
import { createJobHarness, type JobHarness, waitFor } from './support/job-harness';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-derive-'));
const store = createLocalBlobStore(join(dir, 'blobs'));

async function assetPixels(
  h: JobHarness,
  id: string,
): Promise<{ width: number; height: number; mime: string }> {
  const [row] = await h.db.sql<
    { storage_key: string; mime: string }[]
  >`select storage_key, mime from assets where id = ${id}`;
  const obj = await store.get(row!.storage_key);
  const bytes = Buffer.from(await new Response(obj!.body).arrayBuffer());
  const meta = await sharp(bytes).metadata();
  return { width: meta.width!, height: meta.height!, mime: row!.mime };
}

describe('assets.derive through the real queue and worker', () => {
  let h: JobHarness;
  let worker: ClapboardWorker;
  beforeAll(async () => {
    h = await createJobHarness();
    worker = h.createWorker({
      store,
      pipelines: pipelineRegistry([assetsDerivePipeline({ store }) as Pipeline<never>]),
    });
    await worker.ready();
  });
  afterAll(async () => {
    await worker.close();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a video gets a poster, a thumbnail and an 8-frame strip, with progress and previews', async () => {
    const video = join(dir, 'clip.mp4');
    await runFfmpeg([
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=640x360:r=25:d=6',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      video,
    ]);
    const source = await saveJobFile(h.db.sql, store, {
      projectId: h.projectId,
      jobId: '00000000-0000-4000-8000-000000000000',
      file: video,
      kind: 'video',
      mime: 'video/mp4',
      name: 'clip.mp4',
    });
    const jobId = await h.enqueue('assets.derive', { assetId: source, stripFrames: 8 });
    const watcher = await h.watch(jobId);
    await waitFor(
      () => watcher.finished.length,
      (n) => n === 1,
      60_000,
    );
    expect(watcher.finished[0]!.status).toBe('completed');
    const outputs = Object.fromEntries(watcher.finished[0]!.outputs.map((o) => [o.name, o]));
    expect(outputs.probe!.value).toEqual({ kind: 'video', width: 640, height: 360, durationSec: 6 });
    expect(await assetPixels(h, outputs.poster!.assetId!)).toEqual({
      width: 640,
      height: 360,
      mime: 'image/webp',
    });
    expect(await assetPixels(h, outputs.thumbnail!.assetId!)).toEqual({
      width: 320,
      height: 180,
      mime: 'image/webp',
    });
    expect(await assetPixels(h, outputs.strip!.assetId!)).toEqual({
      width: 8 * 240,
      height: 136,
      mime: 'image/jpeg',
    });
    expect(watcher.progress.some((p) => p.stage === 'sampling frames')).toBe(true);
    expect(watcher.progress.filter((p) => p.previewAssetId).map((p) => p.previewAssetId)).toEqual(
      expect.arrayContaining([outputs.poster!.assetId, outputs.strip!.assetId]),
    );
  });

  it('an image gets a poster and thumbnail; the strip says why it was skipped', async () => {
    const png = join(dir, 'photo.png');
    await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#3366aa' } })
      .png()
      .toFile(png);
    const source = await saveJobFile(h.db.sql, store, {
      projectId: h.projectId,
      jobId: '00000000-0000-4000-8000-000000000000',
      file: png,
      kind: 'image',
      mime: 'image/png',
      name: 'photo.png',
    });
    const jobId = await h.enqueue('assets.derive', { assetId: source, stripFrames: 8 });
    const watcher = await h.watch(jobId);
    await waitFor(
      () => watcher.finished.length,
      (n) => n === 1,
      30_000,
    );
    const outputs = Object.fromEntries(watcher.finished[0]!.outputs.map((o) => [o.name, o]));
    expect(await assetPixels(h, outputs.poster!.assetId!)).toMatchObject({ width: 1280, height: 640 });
    expect(outputs.strip!.value).toEqual({ skipped: 'An image has no frames to strip.' });
  });

  it("another project's asset fails at once with a reason and creates nothing", async () => {
    const [other] = await h.db.sql<
      { id: string }[]
    >`insert into projects (name) values ('Other') returning id`;
    const png = join(dir, 'other.png');
    await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .png()
      .toFile(png);
    const foreign = await saveJobFile(h.db.sql, store, {
      projectId: other!.id,
      jobId: '00000000-0000-4000-8000-000000000000',
      file: png,
      kind: 'image',
      mime: 'image/png',
      name: 'x.png',
    });
    const jobId = await h.enqueue('assets.derive', { assetId: foreign, stripFrames: 8 });
    const row = await waitFor(
      () =>
        h.db.sql<
          { status: string; error: string | null }[]
        >`select status, error from jobs where id = ${jobId}`.then((r) => r[0]!),
      (r) => r.status === 'failed',
    );
    expect(row.error).toBe(
      'probe failed: The asset does not exist in this project (it may have been deleted).',
    );
    expect(await h.db.sql`select id from assets where job_id = ${jobId}`).toHaveLength(0);
  });
});
