import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadAsset, saveJobFile } from '@clapboard/server/assets';
import { findLectureVideo, type LectureVideo, LectureVideoError } from '@clapboard/server/lectures';
import type { BlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import { UnrecoverableError } from 'bullmq';
import type { z } from 'zod';
import type { StepContext } from '../../jobs/pipeline';

type Ctx = StepContext<{ lectureId: string }>;

/** Largest analysis result a later step reads back into memory (bytes). */
const MAX_RESULT_BYTES = 64 * 1024 * 1024;

/**
 * The lecture's video copied into the step's scratch folder. A deleted lecture or a missing video
 * fails the job without retrying, with the reason.
 */
export async function fetchLectureVideo(
  ctx: Ctx,
  store: BlobStore,
): Promise<{ file: string; video: LectureVideo }> {
  let video: LectureVideo;
  try {
    video = await findLectureVideo(ctx.sql, { projectId: ctx.projectId, lectureId: ctx.params.lectureId });
  } catch (err) {
    if (err instanceof LectureVideoError) throw new UnrecoverableError(err.message);
    throw err;
  }
  // FFmpeg reads the container from the bytes, so the name needs no extension.
  const file = join(ctx.scratchDir, 'lecture-video');
  await downloadAsset(store, video.storageKey, file);
  return { file, video };
}

/**
 * Stores one result of the analysis as an asset of the job (JSON, or text for subtitles) and
 * tracks it, so a failed step leaves nothing behind. Returns the job output naming it.
 */
export async function saveResult(
  ctx: Ctx,
  store: BlobStore,
  name: string,
  content: { json: unknown } | { text: string; mime: string; ext: string },
  value?: Record<string, unknown>,
): Promise<JobOutput> {
  const isJson = 'json' in content;
  const fileName = `${name}.${isJson ? 'json' : content.ext}`;
  const file = join(ctx.scratchDir, fileName);
  await writeFile(file, isJson ? JSON.stringify(content.json) : content.text);
  const assetId = await saveJobFile(ctx.sql, store, {
    projectId: ctx.projectId,
    jobId: ctx.jobId,
    file,
    kind: 'document',
    mime: isJson ? 'application/json' : content.mime,
    name: fileName,
  });
  ctx.trackAsset(assetId);
  return { name, assetId, ...(value ? { value } : {}) };
}

/** The asset id of output `name` of the steps this one waited for (directly or further up). */
export function upstreamAssetId(ctx: Ctx, name: string): string {
  for (const result of Object.values(ctx.inputs)) {
    const found = result.outputs.find((o) => o.name === name)?.assetId;
    if (found) return found;
  }
  throw new Error(`The ${name} result of an earlier step is missing; run the analysis again.`);
}

/**
 * Reads a result an earlier step stored (output `name`) and validates it with its shared schema.
 *
 * @throws when the step did not store it, it is over 64 MiB, or it does not match the schema
 */
export async function readUpstreamResult<S extends z.ZodType>(
  ctx: Ctx,
  store: BlobStore,
  name: string,
  schema: S,
): Promise<z.infer<S>> {
  const assetId = upstreamAssetId(ctx, name);
  const [row] = await ctx.sql<{ storage_key: string; byte_size: string | number }[]>`
    select storage_key, byte_size from assets where id = ${assetId}`;
  if (!row) throw new Error(`The ${name} result (asset ${assetId}) is gone; run the analysis again.`);
  if (Number(row.byte_size) > MAX_RESULT_BYTES) throw new Error(`The ${name} result is over 64 MiB.`);
  const object = await store.get(row.storage_key);
  if (!object) throw new Error(`The ${name} result has no stored bytes; run the analysis again.`);
  const parsed = schema.safeParse(JSON.parse(await new Response(object.body).text()));
  if (!parsed.success)
    throw new Error(`The ${name} result does not match its schema: ${parsed.error.message}`);
  return parsed.data;
}
