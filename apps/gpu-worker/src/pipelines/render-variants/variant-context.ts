import type { VariantJobEntry } from '@clapboard/shared/campaigns';
import { type AspectRatio, frameSize, type Resolution } from '@clapboard/shared/document';
import type { JobPayload, JobType } from '@clapboard/shared/jobs';
import { transitionSeconds } from '@clapboard/shared/render-timing';
import { fitVariant, type VariantFit, VariantFitError } from '@clapboard/shared/variant-fit';
import { UnrecoverableError } from 'bullmq';
import type { StepContext, StepDefinition } from '../../jobs/pipeline';
import { cardSeconds } from '../render/brand-cards';
import { brandOf } from '../render/brand-kit';
import type { RenderParams, RenderStepContext } from '../render/render-context';
import type { RenderDocument } from '../render/render-document';
import type { VoiceValue } from '../render/voice-step';

export type VariantsParams = JobPayload<'render.variants'>;
export type VariantsStepContext = StepContext<VariantsParams>;

/**
 * A variant matrix's step context as a render step sees it: the matrix's resolution, its first
 * aspect (the shared steps, voice and music, do not depend on it), its subtitles, no transition
 * override (the project's), and its brand kit.
 */
export function asRenderContext(ctx: VariantsStepContext): RenderStepContext {
  const p = ctx.params;
  return {
    ...ctx,
    params: {
      preset: {
        resolution: p.resolution,
        aspectRatio: p.variants[0]!.aspectRatio,
        burnSubtitles: p.burnSubtitles,
      },
      final: p.final,
      brand: p.brand,
    } satisfies RenderParams,
  };
}

/**
 * A `render.video` step run by the matrix, unchanged: its cache is shared with renders of the
 * same document (`cacheType`), so a scene voiced by an earlier render is not voiced again.
 */
export function sharedRenderStep(
  step: StepDefinition<RenderParams>,
  cacheType: JobType = 'render.video',
): StepDefinition<VariantsParams> {
  return {
    version: step.version,
    cacheType,
    ...(step.cacheInput ? { cacheInput: (ctx) => step.cacheInput!(asRenderContext(ctx)) } : {}),
    run: (ctx) => step.run(asRenderContext(ctx)),
  };
}

/** The aspects of the matrix, each once, in the order the variants first name them. */
export function matrixAspects(variants: readonly VariantJobEntry[]): AspectRatio[] {
  return [...new Set(variants.map((v) => v.aspectRatio))];
}

/**
 * The canvas every scene's plate is drawn on: as tall as the tallest aspect's frame and as wide as
 * that height at the widest aspect, so every aspect's window is the canvas' full height (portrait
 * ones at full resolution, wider ones scaled down): people framed by shot type on the canvas are
 * framed the same in every variant, as a render at that aspect frames them.
 */
export function matrixCanvas(resolution: Resolution, aspects: readonly AspectRatio[]) {
  const height = Math.max(...aspects.map((a) => frameSize(resolution, a).height));
  const widest = Math.max(
    ...aspects.map((a) => {
      const [w, h] = a.split(':').map(Number) as [number, number];
      return w / h;
    }),
  );
  return { width: 2 * Math.round((height * widest) / 2), height };
}

/** The project's transition (variants take no override) in seconds, whole frames. */
export function matrixTransition(doc: RenderDocument) {
  const transition = doc.settings.transition;
  return { transition, transitionSec: transitionSeconds(transition, doc.settings.fps) };
}

/**
 * Each variant's fit (`fitVariant`) from the scenes' voices as spoken: their shot lengths and
 * where their lines end, the kit's cards counted against the length.
 *
 * @throws UnrecoverableError naming the variant when its storyboard cannot be fitted
 */
export function variantFits(
  params: VariantsParams,
  doc: RenderDocument,
  voices: readonly VoiceValue[],
): VariantFit[] {
  const { transitionSec } = matrixTransition(doc);
  const fps = doc.settings.fps;
  const style = brandOf(params)?.style;
  const scenes = voices.map((v) => ({
    naturalSec: v.durationSec,
    lineEndsSec: v.lines.map((l) => l.endSec),
  }));
  return params.variants.map((v) => {
    try {
      return fitVariant(scenes, {
        targetSec: v.durationSec,
        transitionSec,
        fps,
        introSec: style?.introCard.enabled ? cardSeconds(style.introCard, transitionSec, fps) : 0,
        outroSec: style?.outroCard.enabled ? cardSeconds(style.outroCard, transitionSec, fps) : 0,
      });
    } catch (err) {
      if (err instanceof VariantFitError)
        throw new UnrecoverableError(`The ${v.label} variant (${v.key}) cannot be made: ${err.message}`);
      throw err;
    }
  });
}

/** A scene's voice as the voice step left it: its track's asset and what it holds. */
export type SceneVoice = VoiceValue & { assetId: string };

/** The voices of every scene, from the voice steps the job waited for. */
export function sceneVoices(ctx: VariantsStepContext, doc: RenderDocument): SceneVoice[] {
  return doc.scenes.map((_, i) => {
    const voice = ctx.inputs[`scene-${i}/voice`]?.outputs.find((o) => o.name === 'voice');
    if (!voice?.assetId) throw new Error(`Step scene-${i}/voice left no voice output.`);
    return { ...(voice.value as VoiceValue), assetId: voice.assetId };
  });
}
