import type { Pipeline } from '../../jobs/pipeline';
import { assembleStep } from './assemble-step';
import { checkStep } from './check-step';
import type { LessonDeps, LessonParams } from './lesson-context';
import { pictureStep } from './picture-step';
import { voiceStep } from './voice-step';

/**
 * `portrait.lesson`: a lesson (as pinned at submit) rendered as a talking-presenter video, offline:
 * `check` (the lesson may be rendered and its portrait shows a face) → `voice` (the narration
 * spoken, with chapters, captions and the mouth track) → `still` (a preview: the still portrait
 * beside each section's slide) or `animate` (a final render: the presenter's jaw, lids and head
 * moving with the speech) → `assemble` (MP4 H.264/AAC with chapters, WebVTT captions, poster).
 * Job outputs are the assembly's: `video`, `captions`, `poster`, `chapters`.
 */
export function portraitLessonPipeline(deps: LessonDeps): Pipeline<LessonParams> {
  return {
    type: 'portrait.lesson',
    steps: {
      check: checkStep(deps),
      voice: voiceStep(deps),
      still: pictureStep(deps, false),
      animate: pictureStep(deps, true),
      assemble: assembleStep(deps),
    },
    collect: (results) => results.assemble?.outputs ?? [],
  };
}
