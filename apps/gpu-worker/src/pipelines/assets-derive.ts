import { join } from 'node:path';
import { downloadAsset, saveJobFile } from '@clapboard/server/assets';
import { ffprobe, runFfmpeg } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import type { JobPayload } from '@clapboard/shared/jobs';
import { UnrecoverableError } from 'bullmq';
import sharp from 'sharp';
import type { Pipeline, StepContext } from '../jobs/pipeline';

type Params = JobPayload<'assets.derive'>;

interface SourceAsset {
  kind: string;
  mime: string;
  storage_key: string;
  sha256: string;
  original_name: string | null;
}

interface Probed {
  kind: 'image' | 'video';
  width: number;
  height: number;
  durationSec: number | null;
}

/** The asset named in the payload, from this job's project only (never another project's). */
async function sourceAsset(ctx: StepContext<Params>): Promise<SourceAsset> {
  const [row] = await ctx.sql<SourceAsset[]>`
    select kind, mime, storage_key, sha256, original_name from assets
    where id = ${ctx.params.assetId} and project_id = ${ctx.projectId} and deleted_at is null`;
  if (!row)
    throw new UnrecoverableError('The asset does not exist in this project (it may have been deleted).');
  if (row.kind !== 'image' && row.kind !== 'video')
    throw new UnrecoverableError(`Previews are made for images and videos, not ${row.kind}.`);
  return row;
}

const probedOf = (ctx: StepContext<Params>) =>
  ctx.inputs.probe?.outputs.find((o) => o.name === 'probe')?.value as Probed;

/**
 * `assets.derive`: for an uploaded image or video, a probe, a poster and small thumbnail (sharp;
 * a frame grab for video), and for video a preview strip of evenly spaced frames (one FFmpeg pass
 * with real progress). Outputs are assets of the project; every step is content-addressed by the
 * source's hash, so deriving the same file twice reuses the work.
 */
export function assetsDerivePipeline(deps: { store: BlobStore }): Pipeline<Params> {
  return {
    type: 'assets.derive',
    steps: {
      probe: {
        version: 1,
        cacheInput: async (ctx) => ({ sha256: (await sourceAsset(ctx)).sha256 }),
        run: async (ctx) => {
          const asset = await sourceAsset(ctx);
          const file = join(ctx.scratchDir, 'source');
          ctx.report({ stage: 'reading the file', progress: 10 });
          await downloadAsset(deps.store, asset.storage_key, file);
          let probed: Probed;
          if (asset.kind === 'image') {
            const meta = await sharp(file, { limitInputPixels: 40_000_000 }).metadata();
            probed = { kind: 'image', width: meta.width ?? 0, height: meta.height ?? 0, durationSec: null };
          } else {
            const p = await ffprobe(file, { signal: ctx.signal });
            const video = p.streams.find((s) => s.codecType === 'video');
            if (!video?.width || !video.height)
              throw new UnrecoverableError('The video has no picture stream.');
            probed = { kind: 'video', width: video.width, height: video.height, durationSec: p.durationSec };
          }
          ctx.report({ stage: 'probed', progress: 100 });
          return { outputs: [{ name: 'probe', value: probed }] };
        },
      },
      thumbnail: {
        version: 1,
        cacheInput: async (ctx) => ({ sha256: (await sourceAsset(ctx)).sha256 }),
        run: async (ctx) => {
          const asset = await sourceAsset(ctx);
          const probed = probedOf(ctx);
          const file = join(ctx.scratchDir, 'source');
          await downloadAsset(deps.store, asset.storage_key, file);
          let still = file;
          if (probed.kind === 'video') {
            ctx.report({ stage: 'grabbing a frame', progress: 20 });
            still = join(ctx.scratchDir, 'frame.png');
            const at = Math.max(0, (probed.durationSec ?? 0) * 0.1);
            await runFfmpeg(['-y', '-ss', at.toFixed(3), '-i', file, '-frames:v', '1', still], {
              signal: ctx.signal,
            });
          }
          const outputs = [];
          for (const [name, size] of [
            ['poster', 1280],
            ['thumbnail', 320],
          ] as const) {
            const out = join(ctx.scratchDir, `${name}.webp`);
            const info = await sharp(still, { limitInputPixels: 40_000_000 })
              .rotate()
              .resize(size, size, { fit: 'inside', withoutEnlargement: true })
              .webp({ quality: 82 })
              .toFile(out);
            const id = await saveJobFile(ctx.sql, deps.store, {
              projectId: ctx.projectId,
              jobId: ctx.jobId,
              file: out,
              kind: 'image',
              mime: 'image/webp',
              name: `${name}-${asset.original_name ?? 'asset'}.webp`,
              width: info.width,
              height: info.height,
            });
            ctx.trackAsset(id);
            outputs.push({ name, assetId: id });
            ctx.report({
              stage: `${name} ready`,
              progress: name === 'poster' ? 60 : 100,
              previewAssetId: id,
            });
          }
          return { outputs };
        },
      },
      strip: {
        version: 1,
        cacheInput: async (ctx) => ({
          sha256: (await sourceAsset(ctx)).sha256,
          frames: ctx.params.stripFrames,
        }),
        run: async (ctx) => {
          const probed = probedOf(ctx);
          if (probed.kind !== 'video')
            return { outputs: [{ name: 'strip', value: { skipped: 'An image has no frames to strip.' } }] };
          const asset = await sourceAsset(ctx);
          const file = join(ctx.scratchDir, 'source');
          await downloadAsset(deps.store, asset.storage_key, file);
          const frames = ctx.params.stripFrames;
          const duration = Math.max(0.1, probed.durationSec ?? 1);
          const out = join(ctx.scratchDir, 'strip.jpg');
          // One decode pass: sample N frames evenly, scale, and tile them side by side.
          await runFfmpeg(
            [
              '-y',
              '-i',
              file,
              '-vf',
              `fps=${frames}/${duration.toFixed(3)},scale=240:-2,tile=${frames}x1`,
              '-frames:v',
              '1',
              '-q:v',
              '4',
              out,
            ],
            {
              durationSec: duration,
              signal: ctx.signal,
              onProgress: (p) =>
                ctx.report({
                  stage: 'sampling frames',
                  progress: (p.fraction ?? 0) * 95,
                  message: `scanned ${p.outTimeSec.toFixed(1)} of ${duration.toFixed(1)} s`,
                }),
            },
          );
          const meta = await sharp(out).metadata();
          const id = await saveJobFile(ctx.sql, deps.store, {
            projectId: ctx.projectId,
            jobId: ctx.jobId,
            file: out,
            kind: 'image',
            mime: 'image/jpeg',
            name: `strip-${asset.original_name ?? 'video'}.jpg`,
            width: meta.width,
            height: meta.height,
          });
          ctx.trackAsset(id);
          ctx.report({ stage: 'preview strip ready', progress: 100, previewAssetId: id });
          return { outputs: [{ name: 'strip', assetId: id, value: { frames } }] };
        },
      },
    },
  };
}
