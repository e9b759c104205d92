import type { Pipeline } from '../../jobs/pipeline';
import { musicStep } from '../render/music-step';
import { voiceStep } from '../render/voice-step';
import { assembleVariantsStep } from './assemble-variants-step';
import { type PlateDeps, plateStep } from './plate-step';
import { shotsStep } from './shots-step';
import { sharedRenderStep, type VariantsParams } from './variant-context';

/**
 * `render.variants`: the pinned storyboard rendered as a matrix of platform variants in one flow
 * (`renderVariantsPlan`), sharing every step it can: per scene one plate (`frame`) and one voice,
 * one music bed, then the per-aspect work: every variant's shots reframed from the plates
 * (`shots`) and every variant's film fitted to its length (`assemble`). The voice and music steps
 * are `render.video`'s own, sharing its cache.
 */
export function renderVariantsPipeline(deps: PlateDeps): Pipeline<VariantsParams> {
  return {
    type: 'render.variants',
    steps: {
      frame: plateStep(deps),
      voice: sharedRenderStep(voiceStep(deps)),
      music: sharedRenderStep(musicStep(deps)),
      shots: shotsStep(deps),
      assemble: assembleVariantsStep(deps),
    },
    // The job's outputs are each variant's film and companions, not the intermediates.
    collect: (results) => results.assemble?.outputs ?? [],
  };
}
