import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { StepDefinition } from '../../jobs/pipeline';
import type { FaceDetector } from '../../vision/detect-faces';
import {
  drawScenePlate,
  frameCacheInput,
  frameSources,
  type SceneFrameRequest,
  seedOf,
} from '../render/draw-scene-frame';
import { type RenderDeps, sceneOf } from '../render/render-context';
import { loadRenderDocument } from '../render/render-document';
import { storeStepFile } from '../render/step-files';
import { headOf, type PlateSubject, type PlateValue } from './reframe';
import {
  matrixAspects,
  matrixCanvas,
  type VariantsParams,
  type VariantsStepContext,
} from './variant-context';

/** What the plate step needs beyond the render's models: faces for pictures without a known cast. */
export interface PlateDeps extends RenderDeps {
  /** The process's face detector (loaded on first use); absent: such pictures are centred. */
  faces?: () => Promise<FaceDetector>;
}

async function requestOf(ctx: VariantsStepContext): Promise<SceneFrameRequest & { index: number }> {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const { scene, index } = sceneOf(ctx as never, doc);
  const sources = await frameSources(ctx as never, doc.characters, scene);
  return {
    scene,
    index,
    sources,
    seed: seedOf(scene.id, scene.seed),
    ...matrixCanvas(ctx.params.resolution, matrixAspects(ctx.params.variants)),
    usePicked: true,
    label: `scene ${index + 1}`,
  };
}

/** A picture with no cast placed by us (generated, or an uploaded background): faces are its subjects. */
const needsFaces = (r: SceneFrameRequest, subjects: readonly PlateSubject[]) =>
  subjects.length === 0 && (r.sources.chosen !== null || Boolean(r.scene.imagePrompt?.trim()));

/**
 * Plate step (`scene-<i>/frame` of a variant matrix): the scene's picture once for every variant,
 * on the matrix's canvas (`matrixCanvas`), without its heading and caption (each aspect lays them
 * on at its own size), with where its people stand: the cast as composed, else the faces the
 * face detector finds on a generated picture or an uploaded background. The shots step reframes
 * it per aspect around them (`reframePlate`). A picked frame is kept as it is.
 */
export function plateStep(deps: PlateDeps): StepDefinition<VariantsParams> {
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const r = await requestOf(ctx);
      return { ...frameCacheInput(deps, r), plate: true, faces: deps.faces ? 'blazeface' : null };
    },
    run: async (ctx) => {
      const r = await requestOf(ctx);
      const { label, index, width, height } = r;
      ctx.report({ stage: `${label}: plate`, progress: 5, message: `Drawing the picture of ${label}` });
      const plate = await drawScenePlate(deps, ctx as never, {
        ...r,
        onProgress: (percent, stage) => ctx.report({ stage: `${label}: ${stage}`, progress: percent * 0.9 }),
      });
      let subjects: PlateSubject[] = plate.subjects.map((s) => ({ box: s.box, head: headOf(s.box) }));
      if (!plate.textBaked && needsFaces(r, subjects) && deps.faces) {
        ctx.report({ stage: `${label}: finding faces`, progress: 90 });
        const faces = await (await deps.faces()).detect(plate.png);
        subjects = faces
          .filter((f) => f.score >= 0.5)
          .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
          .map((f) => ({ box: f.box, head: f.box }));
      }
      const meta = await sharp(plate.png).metadata();
      const file = join(ctx.scratchDir, `plate-${index + 1}.png`);
      await writeFile(file, plate.png);
      const stored = await storeStepFile(ctx as never, deps.store, {
        file,
        kind: 'image',
        mime: 'image/png',
        name: `plate-${index + 1}.png`,
        width: meta.width ?? width,
        height: meta.height ?? height,
      });
      const value: PlateValue = {
        sha256: stored.sha256,
        width: meta.width ?? width,
        height: meta.height ?? height,
        subjects,
        textBaked: plate.textBaked,
        warnings: plate.warnings,
      };
      ctx.report({
        stage: `${label}: plate ready`,
        progress: 100,
        previewAssetId: stored.assetId,
        message: plate.warnings[0] ?? `Picture of ${label} ready`,
      });
      return { outputs: [{ name: 'frame', assetId: stored.assetId, value }] };
    },
  };
}
