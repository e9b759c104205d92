import type { Pipeline } from '../../jobs/pipeline';
import { assembleStep } from './assemble-step';
import { frameStep } from './frame-step';
import { musicStep } from './music-step';
import type { RenderDeps, RenderParams } from './render-context';
import { shotStep } from './shot-step';
import { voiceStep } from './voice-step';

/**
 * `render.video`: per scene frame → voice → shot (frame and voice in parallel, spread across
 * workers), a music bed, then assembly. The flow's shape comes from `renderVideoPlan` (the
 * shared job plan) at submit time; every step is content-addressed, so a re-render redoes only
 * what changed.
 */
export function renderVideoPipeline(deps: RenderDeps): Pipeline<RenderParams> {
  return {
    type: 'render.video',
    steps: {
      frame: frameStep(deps),
      voice: voiceStep(deps),
      shot: shotStep(deps),
      music: musicStep(deps),
      assemble: assembleStep(deps),
    },
    // The job's outputs are the finished film and its companions, not the intermediates.
    collect: (results) => results.assemble?.outputs ?? [],
  };
}
