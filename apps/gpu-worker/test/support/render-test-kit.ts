import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { runFfmpeg } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { builtInPipelines } from '../../src/pipelines';
import { defaultRenderDeps } from '../../src/pipelines/render';
import type { ClapboardWorker, WorkerDeps } from '../../src/worker';
import type { JobHarness } from './job-harness';

/** Real photos Debian's python3-skimage ships (the CI image installs it). */
export const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';

/**
 * A worker on the gpu queue running the real pipelines (render and frame jobs included) with the
 * runtime pieces in `render` (models registry, providers). Call `ready()` before enqueueing.
 */
export function renderWorker(
  h: JobHarness,
  store: BlobStore,
  render: Parameters<typeof defaultRenderDeps>[0] = {},
  options: Partial<WorkerDeps> = {},
): ClapboardWorker {
  return h.createWorker({
    queues: ['gpu'],
    store,
    pipelines: builtInPipelines({ store, render: defaultRenderDeps(render) }),
    ...options,
  });
}

/** Uploads a file as an asset of the harness project, as the upload route would. */
export async function uploadAsset(
  h: JobHarness,
  store: BlobStore,
  file: string,
  kind: 'image' | 'audio',
  mime: string,
): Promise<string> {
  const [job] = await h.db.sql<{ id: string }[]>`
    insert into jobs (project_id, type, params, status, finished_at) values (${h.projectId}, 'assets.derive', '{}', 'completed', now()) returning id`;
  return saveJobFile(h.db.sql, store, {
    projectId: h.projectId,
    jobId: job!.id,
    file,
    kind,
    mime,
    name: file,
  });
}

/** Copies an asset's bytes to `file`. */
export async function assetToFile(
  h: JobHarness,
  store: BlobStore,
  assetId: string,
  file: string,
): Promise<string> {
  const [row] = await h.db.sql<
    { storage_key: string }[]
  >`select storage_key from assets where id = ${assetId}`;
  const obj = await store.get(row!.storage_key);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, Buffer.from(await new Response(obj!.body).arrayBuffer()));
  return file;
}

/** Integrated loudness (LUFS) and sample peak (dBFS) as FFmpeg's ebur128 filter measures them. */
export async function ebur128Summary(
  file: string,
): Promise<{ integratedLufs: number; samplePeakDbfs: number }> {
  let err = '';
  await runFfmpeg(
    ['-i', file, '-map', '0:a', '-filter_complex', 'ebur128=peak=sample:framelog=verbose', '-f', 'null', '-'],
    {
      onStderr: (c) => {
        err = (err + c).slice(-4000);
      },
    },
  );
  const summary = err.slice(err.lastIndexOf('Summary:'));
  const i = /Integrated loudness:\s*\n\s*I:\s*(-inf|-?[\d.]+) LUFS/.exec(summary)?.[1];
  const peak = /Peak:\s+(-inf|-?[\d.]+) dBFS/.exec(summary)?.[1];
  if (i === undefined || peak === undefined)
    throw new Error(`ebur128 printed no loudness summary: ${err.slice(-300)}`);
  const db = (v: string) => (v === '-inf' ? Number.NEGATIVE_INFINITY : Number(v));
  return { integratedLufs: db(i), samplePeakDbfs: db(peak) };
}

/** Integrated loudness (LUFS) as FFmpeg's ebur128 filter measures it. */
export async function integratedLoudness(file: string): Promise<number> {
  return (await ebur128Summary(file)).integratedLufs;
}

/** First and last audible moment (|x| ≥ 0.02) of a mono PCM clip, in seconds. */
export function audibleSpan(
  samples: Float32Array,
  rate: number,
): { startSec: number; endSec: number } | null {
  let a = 0;
  let b = samples.length - 1;
  while (a < samples.length && Math.abs(samples[a]!) < 0.02) a++;
  while (b > a && Math.abs(samples[b]!) < 0.02) b--;
  return a >= samples.length ? null : { startSec: a / rate, endSec: (b + 1) / rate };
}

/** Loads a text asset. */
export async function assetText(
  h: JobHarness,
  store: BlobStore,
  assetId: string,
  dir: string,
): Promise<string> {
  return readFile(await assetToFile(h, store, assetId, join(dir, `${assetId}.txt`)), 'utf8');
}

export const outputOf = (outputs: JobOutput[], name: string) => {
  const o = outputs.find((x) => x.name === name);
  if (!o) throw new Error(`no ${name} output in ${outputs.map((x) => x.name).join(', ')}`);
  return o;
};
