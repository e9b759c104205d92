import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import type { JobDefinition } from '@clapboard/shared/jobs';
import { type Pipeline, pipelineRegistry } from '../../src/jobs/pipeline';

/**
 * Pipelines the framework tests run through the real queue and worker. They do real work
 * (FFmpeg encodes, Postgres rows) with knobs in their params: how long to encode, whether to fail.
 */
export const TEST_DEFINITIONS: Record<string, JobDefinition> = {
  'test.encode': {
    title: 'Test encode',
    resourceClass: 'cpu',
    priority: 5,
    timeoutSec: 120,
    attempts: 3,
    backoffMs: 200,
    steps: ['prepare', 'encode'],
    work: {
      prepare: { unit: 'step', baseSec: 0.1, secPerUnit: 0 },
      encode: { unit: 'step', baseSec: 5, secPerUnit: 0 },
    },
  },
};

interface EncodeParams {
  seconds?: number;
  /** Real-time encode (`-re`) so the step lasts `seconds`. */
  realtime?: boolean;
  /** Throw a transient error on the first N attempts of `encode`. */
  failTimes?: number;
  /** Throw an unrecoverable-looking bad-input error. */
  badInput?: boolean;
  label?: string;
}

const attemptsSeen = new Map<string, number>();
/** When each attempt of `encode` started (ms), by `<jobId>:<run>`: the retry test reads the waits. */
export const attemptStarts = new Map<string, number[]>();

export const encodePipeline: Pipeline<EncodeParams> = {
  type: 'test.encode',
  steps: {
    prepare: {
      version: 1,
      cacheInput: (ctx) => ({ label: ctx.params.label ?? 'x', seconds: ctx.params.seconds ?? 1 }),
      run: async (ctx) => {
        ctx.report({ stage: 'preparing', progress: 50 });
        return { outputs: [{ name: 'plan', value: { seconds: ctx.params.seconds ?? 1 } }] };
      },
    },
    encode: {
      version: 1,
      run: async (ctx) => {
        if (ctx.params.badInput) {
          const { UnrecoverableError } = await import('bullmq');
          throw new UnrecoverableError('The input video has no frames.');
        }
        const key = `${ctx.jobId}:${ctx.run}`;
        attemptStarts.set(key, [...(attemptStarts.get(key) ?? []), Date.now()]);
        const seen = (attemptsSeen.get(key) ?? 0) + 1;
        attemptsSeen.set(key, seen);
        if (seen <= (ctx.params.failTimes ?? 0)) throw new Error(`transient failure ${seen}`);
        // A partial output exists while encoding: it must not survive a cancel.
        const [asset] = await ctx.sql<{ id: string }[]>`
          insert into assets (project_id, kind, mime, byte_size, sha256, storage_key, source, job_id)
          values (${ctx.projectId}, 'video', 'video/mp4', 0, 'pending', ${`partial/${ctx.jobId}/${Date.now()}`}, 'job', ${ctx.jobId})
          returning id`;
        ctx.trackAsset(asset!.id);
        const seconds = ctx.params.seconds ?? 1;
        const out = join(ctx.scratchDir, `out-${ctx.params.label ?? 'x'}.mp4`);
        await runFfmpeg(
          [
            '-y',
            ...(ctx.params.realtime ? ['-re'] : []),
            '-f',
            'lavfi',
            '-i',
            `testsrc2=s=320x240:r=25:d=${seconds}`,
            '-c:v',
            'libx264',
            '-preset',
            'ultrafast',
            out,
          ],
          {
            durationSec: seconds,
            signal: ctx.signal,
            onProgress: (p) =>
              ctx.report({
                stage: 'encoding',
                progress: (p.fraction ?? 0) * 100,
                message: `encoded ${p.outTimeSec.toFixed(1)} s`,
              }),
          },
        );
        await ctx.sql`update assets set sha256 = 'done' where id = ${asset!.id}`;
        return { outputs: [{ name: 'video', assetId: asset!.id }] };
      },
    },
  },
};

export const testPipelines = () => pipelineRegistry([encodePipeline as Pipeline<never>]);
