import type { StepDefinition } from '../../jobs/pipeline';
import { brandOf, frameColors, frameFont } from './brand-kit';
import {
  drawSceneFrame,
  frameCacheInput,
  frameSources,
  type SceneFrameRequest,
  seedOf,
  storeSceneFrame,
} from './draw-scene-frame';
import {
  outputSize,
  type RenderDeps,
  type RenderParams,
  type RenderStepContext,
  sceneOf,
} from './render-context';
import { loadRenderDocument } from './render-document';

async function requestOf(
  ctx: RenderStepContext,
  deps: RenderDeps,
): Promise<SceneFrameRequest & { index: number }> {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const { scene, index } = sceneOf(ctx, doc);
  const sources = await frameSources(ctx as never, doc.characters, scene);
  const brand = brandOf(ctx.params);
  const font = await frameFont(deps.store, brand);
  return {
    scene,
    index,
    sources,
    seed: seedOf(scene.id, scene.seed),
    ...outputSize(ctx),
    usePicked: true,
    label: `scene ${index + 1}`,
    // A brand kit's palette colours the text strips and letterboxing; its heading font sets the text.
    ...(brand ? { colors: frameColors(brand) } : {}),
    ...(font ? { font } : {}),
  };
}

/**
 * Frame step: the scene's storyboard frame at the output size (see `drawSceneFrame`): the frame a
 * user picked for the scene, else one generated from the prompt and seed, else a composed one.
 * A missing portrait is not fatal: the character stands in as a silhouette and the step says so
 * in its warnings.
 */
export function frameStep(deps: RenderDeps): StepDefinition<RenderParams> {
  return {
    // 2: the seed also frames the characters and varies the drawn background; picked frames.
    version: 2,
    cacheInput: async (ctx) => frameCacheInput(deps, await requestOf(ctx, deps)),
    run: async (ctx) => {
      const request = await requestOf(ctx, deps);
      const { label, index, width, height } = request;
      ctx.report({ stage: `${label}: frame`, progress: 5, message: `Drawing the frame for ${label}` });
      const { png, warnings } = await drawSceneFrame(deps, ctx as never, {
        ...request,
        onProgress: (percent, stage) => ctx.report({ stage: `${label}: ${stage}`, progress: percent }),
      });
      const stored = await storeSceneFrame(ctx as never, deps.store, png, {
        name: `frame-${index + 1}.png`,
        width,
        height,
        sceneId: request.scene.id,
        seed: request.seed,
      });
      ctx.report({
        stage: `${label}: frame ready`,
        progress: 100,
        previewAssetId: stored.assetId,
        message: warnings[0] ?? `Frame for ${label} ready`,
      });
      return {
        outputs: [{ name: 'frame', assetId: stored.assetId, value: { sha256: stored.sha256, warnings } }],
      };
    },
  };
}
