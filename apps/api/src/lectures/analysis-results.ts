import type { Sql } from '@clapboard/server/db';
import type { BlobStore } from '@clapboard/server/storage';
import type { JobOutput } from '@clapboard/shared/jobs';
import type { z } from 'zod';
import type { AssetRow } from '../assets/asset-view';
import { SELECT_ASSET } from '../assets/finish-upload';
import { HttpError } from '../errors/http-error';
import type { LectureRow } from './lecture-view';

/** Largest analysis JSON read into memory (a 3-hour transcript with word timings is a few MB). */
export const MAX_RESULT_BYTES = 64 * 1024 * 1024;

export interface CompletedJob {
  id: string;
  params: Record<string, unknown>;
  outputs: JobOutput[];
  finished_at: Date | null;
}

/** A lecture's completed jobs of `type`, newest first. */
export function completedJobs(
  sql: Sql,
  lecture: Pick<LectureRow, 'id' | 'project_id'>,
  type: 'highlights.extract' | 'highlights.clips',
  limit: number,
): Promise<CompletedJob[]> {
  return sql<CompletedJob[]>`
    select id, params, outputs, finished_at from jobs
    where project_id = ${lecture.project_id} and type = ${type} and status = 'completed'
      and params->>'lectureId' = ${lecture.id}
    order by finished_at desc nulls last, created_at desc limit ${limit}`;
}

const noAnalysis = () =>
  new HttpError(
    404,
    'not_found',
    'This lecture has no completed analysis yet: start one ("Analyse", a highlights.extract job) and wait for it to finish.',
  );

/** The live asset rows of a project with these ids (others' ids and deleted ones are left out). */
export async function projectAssets(
  sql: Sql,
  projectId: string,
  ids: readonly string[],
): Promise<AssetRow[]> {
  if (!ids.length) return [];
  return sql<AssetRow[]>`
    select ${sql.unsafe(SELECT_ASSET)} from assets
    where project_id = ${projectId} and deleted_at is null and id in ${sql(ids)}`;
}

/**
 * The asset the lecture's newest completed analysis stored under output `name`
 * (`HIGHLIGHT_OUTPUTS`), with the job it came from. 404 with a sentence a person can act on when
 * there is no analysis yet, or it has no such result.
 */
export async function analysisAsset(
  sql: Sql,
  lecture: Pick<LectureRow, 'id' | 'project_id'>,
  name: string,
  what: string,
): Promise<{ job: CompletedJob; asset: AssetRow }> {
  const [job] = await completedJobs(sql, lecture, 'highlights.extract', 1);
  if (!job) throw noAnalysis();
  const assetId = job.outputs.find((o) => o.name === name)?.assetId;
  const [asset] = assetId ? await projectAssets(sql, lecture.project_id, [assetId]) : [];
  if (!asset)
    throw new HttpError(
      404,
      'not_found',
      `The lecture's latest analysis has no ${what}; run the analysis again.`,
    );
  return { job, asset };
}

/**
 * Reads and validates one JSON result of the newest analysis with its shared schema. A result
 * that does not match is our bug, not the caller's: it surfaces as a 500 with the reason logged.
 */
export async function readAnalysisResult<S extends z.ZodType>(
  deps: { sql: Sql; blobStore: BlobStore },
  lecture: Pick<LectureRow, 'id' | 'project_id'>,
  name: string,
  what: string,
  schema: S,
): Promise<{ value: z.infer<S>; job: CompletedJob; asset: AssetRow }> {
  const { job, asset } = await analysisAsset(deps.sql, lecture, name, what);
  if (asset.byte_size > MAX_RESULT_BYTES)
    throw new Error(`analysis result ${name} of job ${job.id} is ${asset.byte_size} bytes, over the bound`);
  const object = await deps.blobStore.get(asset.storage_key);
  if (!object) throw new Error(`analysis result ${name} of job ${job.id} has no stored bytes`);
  const text = await new Response(object.body).text();
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `analysis result ${name} of job ${job.id} does not match its schema: ${parsed.error.message}`,
    );
  return { value: parsed.data, job, asset };
}
