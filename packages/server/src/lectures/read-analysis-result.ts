import type { z } from 'zod';
import type { BlobStore } from '../storage/blob-store';
import { type LectureAnalysis, LectureAnalysisError } from './find-lecture-analysis';

/** Largest analysis result read into memory (a 3-hour transcript with word timings is a few MB). */
export const MAX_ANALYSIS_RESULT_BYTES = 64 * 1024 * 1024;

/**
 * Reads the JSON result `name` (`HIGHLIGHT_OUTPUTS`) of a found analysis and validates it with its
 * shared schema.
 *
 * @throws LectureAnalysisError (`missing`) when the analysis has no such result; Error when the
 *   stored bytes are gone, too large or do not match the schema (our bug, not the user's)
 */
export async function readAnalysisResult<S extends z.ZodType>(
  store: BlobStore,
  analysis: LectureAnalysis,
  name: string,
  schema: S,
): Promise<z.infer<S>> {
  const result = analysis.results[name];
  if (!result)
    throw new LectureAnalysisError('missing', `The analysis has no ${name} result; run the analysis again.`, {
      field: 'analysisJobId',
    });
  if (result.byteSize > MAX_ANALYSIS_RESULT_BYTES)
    throw new Error(
      `analysis result ${name} of job ${analysis.jobId} is ${result.byteSize} bytes, over the bound`,
    );
  const object = await store.get(result.storageKey);
  if (!object) throw new Error(`analysis result ${name} of job ${analysis.jobId} has no stored bytes`);
  const parsed = schema.safeParse(JSON.parse(await new Response(object.body).text()));
  if (!parsed.success)
    throw new Error(
      `analysis result ${name} of job ${analysis.jobId} does not match its schema: ${parsed.error.message}`,
    );
  return parsed.data;
}
