import { frameSize } from '@clapboard/shared/document';
import type { JobOutput } from '@clapboard/shared/jobs';
import type { StepContext, StepDefinition } from '../../jobs/pipeline';
import {
  drawSceneFrame,
  type FrameDeps,
  frameCacheInput,
  frameSources,
  type SceneFrameRequest,
  seedOf,
  storeSceneFrame,
} from '../render/draw-scene-frame';
import { loadProjectScene } from './load-project-scene';

/** Both frame jobs' parameters: one frame (`scene.frame`) or `count` variations. */
export interface SceneFramesParams {
  sceneId: string;
  count?: number;
}

type Ctx = StepContext<SceneFramesParams>;

/** What one job draws: the scene, its sources, the size, and the seeds in output order. */
interface FramesPlan {
  base: Omit<SceneFrameRequest, 'seed' | 'onProgress'>;
  seeds: number[];
}

/** Seeds of `count` variations: the scene's own, then the next ones (wrapping at 2³²). */
export function variationSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => (seed + i) >>> 0);
}

// cacheInput and run get the same context: read the document and assets once per attempt.
const plans = new WeakMap<Ctx, Promise<FramesPlan>>();

function planOf(ctx: Ctx): Promise<FramesPlan> {
  let plan = plans.get(ctx);
  if (!plan) {
    plan = (async () => {
      const { scene, index, characters, settings } = await loadProjectScene(
        ctx.sql,
        ctx.projectId,
        ctx.params.sceneId,
      );
      const sources = await frameSources(ctx as never, characters, scene);
      const { width, height } = frameSize(settings.resolution, settings.aspectRatio);
      return {
        base: { scene, sources, width, height, usePicked: false, label: `scene ${index + 1}` },
        seeds: variationSeeds(seedOf(scene.id, scene.seed), ctx.params.count ?? 1),
      };
    })();
    plans.set(ctx, plan);
  }
  return plan;
}

/**
 * The one step of `scene.frame` and `scene.variations`: reads the scene from the project's
 * current document, then draws a frame per seed at the project's output size (the scene's seed,
 * then seed+1, … for variations), each generated from the scene's prompt when an image model or
 * provider is configured and composed otherwise. Every frame is stored as an image asset and
 * shown as a progress preview as soon as it exists; the outputs list them in order. The whole
 * set is content-addressed, so the same request for an unchanged scene is reused.
 */
export function sceneFramesStep(deps: FrameDeps): StepDefinition<SceneFramesParams> {
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const { base, seeds } = await planOf(ctx);
      return { frames: seeds.map((seed) => frameCacheInput(deps, { ...base, seed })) };
    },
    run: async (ctx) => {
      ctx.report({ stage: 'reading the scene', progress: 1 });
      const { base, seeds } = await planOf(ctx);
      const n = seeds.length;
      const outputs: JobOutput[] = [];
      for (const [i, seed] of seeds.entries()) {
        ctx.signal.throwIfAborted();
        const what = n === 1 ? 'frame' : `variation ${i + 1} of ${n}`;
        // Each frame gets an equal share of the step, after 2 % for reading the scene.
        const from = 2 + (98 * i) / n;
        const share = 98 / n;
        ctx.report({ stage: `${what}: drawing`, progress: from, message: `Drawing ${what} (seed ${seed})` });
        const frame = await drawSceneFrame(deps, ctx as never, {
          ...base,
          seed,
          onProgress: (percent, stage) =>
            ctx.report({
              stage: `${what}: ${stage}`.slice(0, 100),
              progress: from + (share * percent) / 100,
            }),
        });
        const name = n === 1 ? 'frame' : `variation-${i + 1}`;
        const stored = await storeSceneFrame(ctx as never, deps.store, frame.png, {
          name: `${base.scene.id.slice(0, 40)}-${name}.png`,
          width: base.width,
          height: base.height,
          sceneId: base.scene.id,
          seed,
        });
        const ready = `${what[0]!.toUpperCase()}${what.slice(1)} ready`;
        ctx.report({
          stage: `${what}: ready`,
          progress: from + share,
          previewAssetId: stored.assetId,
          message: frame.warnings[0] ? `${ready}. ${frame.warnings[0]}` : ready,
        });
        outputs.push({
          name,
          assetId: stored.assetId,
          value: {
            sceneId: base.scene.id,
            seed,
            kind: frame.kind,
            width: base.width,
            height: base.height,
            sha256: stored.sha256,
            warnings: frame.warnings,
          },
        });
      }
      return { outputs };
    },
  };
}
