import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HIGHLIGHT_OUTPUTS } from '@clapboard/shared/highlights';
import type { JobOutput } from '@clapboard/shared/jobs';
import { saveJobFile } from '../assets/job-assets';
import type { Sql } from '../db/connect-db';
import { endJob, insertJob } from '../jobs/job-store';
import type { BlobStore } from '../storage/blob-store';

export type AnalysisResults = Partial<Record<keyof typeof HIGHLIGHT_OUTPUTS, unknown>>;

/**
 * FOR TESTS ONLY: puts a completed `highlights.extract` analysis of a lecture in place the way the
 * pipeline leaves one (each result a JSON asset of the job, SRT/VTT as text assets, a completed
 * job row whose outputs name them), written through the job store and the job-asset functions,
 * so API and browser tests of the results run before (and independently of) the real pipeline.
 * The results are validated by the caller with the shared schemas (see `sampleLectureAnalysis`).
 *
 * @param type `highlights.extract` (default) or `highlights.clips` with media outputs
 * @returns the job id and the asset id of each output
 */
export async function seedLectureAnalysis(
  sql: Sql,
  store: BlobStore,
  input: {
    projectId: string;
    lectureId: string;
    userId: string | null;
    results: AnalysisResults;
  },
): Promise<{ jobId: string; assetIds: Record<string, string> }> {
  const job = await insertJob(sql, {
    projectId: input.projectId,
    userId: input.userId,
    type: 'highlights.extract',
    params: { lectureId: input.lectureId, transcriber: 'local', minClipSec: 20, maxClipSec: 90, llm: false },
    priority: 5,
    estimate: { seconds: 1, usd: 0, steps: [] },
  });
  const dir = mkdtempSync(join(tmpdir(), 'clapboard-seed-'));
  const outputs: JobOutput[] = [];
  try {
    for (const [key, value] of Object.entries(input.results)) {
      const name = HIGHLIGHT_OUTPUTS[key as keyof typeof HIGHLIGHT_OUTPUTS];
      const text = typeof value === 'string';
      const file = join(dir, `${name}.${text ? (key === 'srt' ? 'srt' : 'vtt') : 'json'}`);
      writeFileSync(file, text ? value : JSON.stringify(value));
      const assetId = await saveJobFile(sql, store, {
        projectId: input.projectId,
        jobId: job.id,
        file,
        kind: 'document',
        mime: text ? (key === 'srt' ? 'application/x-subrip' : 'text/vtt') : 'application/json',
        name: file.split('/').pop()!,
        createdBy: input.userId,
      });
      outputs.push({ name, assetId });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await endJob(sql, job.id, { status: 'completed', outputs });
  return { jobId: job.id, assetIds: Object.fromEntries(outputs.map((o) => [o.name, o.assetId!])) };
}

/**
 * FOR TESTS ONLY: a completed `highlights.clips` job of a lecture whose outputs are existing
 * assets (e.g. a rendered MP4 the test made with FFmpeg), written through the job store.
 */
export async function seedLectureClips(
  sql: Sql,
  input: {
    projectId: string;
    lectureId: string;
    analysisJobId: string;
    userId: string | null;
    clips: Array<{ candidateId: string; startSec: number; endSec: number }>;
    outputs: JobOutput[];
  },
): Promise<string> {
  const job = await insertJob(sql, {
    projectId: input.projectId,
    userId: input.userId,
    type: 'highlights.clips',
    params: {
      lectureId: input.lectureId,
      analysisJobId: input.analysisJobId,
      clips: input.clips,
      aspects: ['9:16'],
      layout: 'speaker',
      burnCaptions: true,
    },
    priority: 5,
    estimate: { seconds: 1, usd: 0, steps: [] },
  });
  await endJob(sql, job.id, { status: 'completed', outputs: input.outputs });
  return job.id;
}
