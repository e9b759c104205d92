import { z } from 'zod';
import { sceneSpans } from './render-timing';
import { safeText } from './text';

/**
 * What a finished `render.video` job records in its `video` output's `value`: enough to place
 * every scene in the video frame-exactly (edit decision lists, subtitles, review markers).
 */

/** One scene of a render: which storyboard scene, and the frames it spans at the render's rate. */
export const renderSceneSchema = z.object({
  sceneId: safeText().min(1).max(64),
  heading: safeText().max(500),
  /** First frame of the scene (its incoming transition starts here). */
  startFrame: z.number().int().min(0),
  /** First frame after it: the next scene's start, or the video's frame count. */
  endFrame: z.number().int().min(0),
});
export type RenderScene = z.infer<typeof renderSceneSchema>;

export const renderVideoValueSchema = z.looseObject({
  /** The pinned document version the render shows. */
  versionId: safeText().uuid(),
  durationSec: z.number().min(0),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** The render's frame rate (the project's setting when it rendered). */
  fps: z.number().int().positive(),
  /** Length of each shot before transitions overlap them (seconds, whole frames). */
  shots: z.array(z.number().min(0)),
  /** Overlap of two shots at each join (seconds, whole frames; 0 for cuts). */
  transitionSec: z.number().min(0),
  /** Scenes in order with their spans; renders assembled before this was recorded lack it. */
  scenes: z.array(renderSceneSchema).optional(),
  /** Brand cards before and after the scenes (seconds, whole frames; part of `shots`, not of `scenes`). */
  cards: z.object({ introSec: z.number().min(0), outroSec: z.number().min(0) }).optional(),
});
export type RenderVideoValue = z.infer<typeof renderVideoValueSchema>;

/** The parts a `render.variants` job outputs per variant, named `variant/<key>/<part>`. */
export const VARIANT_OUTPUT_PARTS = ['video', 'poster', 'subtitles.vtt', 'subtitles.srt'] as const;
export type VariantOutputPart = (typeof VARIANT_OUTPUT_PARTS)[number];
/** The job output name of one variant's part. */
export const variantOutputName = (key: string, part: VariantOutputPart) => `variant/${key}/${part}`;

/**
 * A variant's `video` output value: the render's record (its `scenes` are the kept ones) plus
 * which variant it is (by key, so the same matrix re-rendered unchanged reuses the assembly), its
 * poster, and how the storyboard was fitted into its length.
 */
export const variantVideoValueSchema = renderVideoValueSchema.extend({
  /** The variant's key (unique in its job: `variants` rows are matched by it). */
  key: safeText(),
  posterAssetId: safeText().uuid(),
  /** The variant's length (the preset's) and what fitting left out (storyboard scene indices, lines). */
  fit: z.object({
    targetSec: z.number(),
    dropped: z.array(z.number().int()),
    droppedLines: z.number().int(),
  }),
});
export type VariantVideoValue = z.infer<typeof variantVideoValueSchema>;

/**
 * The scenes of a render with their spans: as recorded, or for an older render (no `scenes`)
 * laid out again from its shots with the same rules, each named "Scene N" without a scene id.
 */
export function renderScenes(
  value: RenderVideoValue,
): Array<Omit<RenderScene, 'sceneId'> & { sceneId: string | null }> {
  if (value.scenes) return value.scenes;
  return sceneSpans(value.shots, value.transitionSec, value.fps).map((span, i) => ({
    ...span,
    sceneId: null,
    heading: `Scene ${i + 1}`,
  }));
}
