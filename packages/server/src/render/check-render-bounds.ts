import { MAX_SCENE_DURATION_SEC, type ProjectSettings } from '@clapboard/shared/document';
import {
  MAX_RENDER_DURATION_SEC,
  MAX_RENDER_SCENES,
  transitionSeconds,
} from '@clapboard/shared/render-timing';
import { estimateRenderLength, type RenderLengthEstimate } from './estimate-render-length';
import { type RenderDocumentContent, sceneLabel } from './read-render-document';
import { RenderDocumentError } from './render-document-error';

/** "45 s", "12 min 5 s", "1 h 12 min": how messages say a length. */
export function formatLength(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const min = Math.round((s % 3600) / 60);
  return min ? `${Math.floor(s / 3600)} h ${min} min` : `${Math.floor(s / 3600)} h`;
}

/** A render's estimated length, plus what the user should know that does not stop it. */
export interface RenderBoundsReport extends RenderLengthEstimate {
  /** Sentences for the user, e.g. that blank scenes render as silent shots. */
  warnings: string[];
}

/**
 * Checks a render against its bounds before anything runs: at least one scene, at most
 * MAX_RENDER_SCENES, no shot past MAX_SCENE_DURATION_SEC once its dialogue is timed, and a film
 * of at most MAX_RENDER_DURATION_SEC, all estimated with the worker's timing rules. The API runs
 * it at submit time (422) and the worker again on the pinned version (fails without retry).
 *
 * @param transition the render's transition: its preset's, else the project's
 * @throws RenderDocumentError naming the scene (or the count) and the limit
 */
export function checkRenderBounds(
  content: Pick<RenderDocumentContent, 'scenes'> & { settings: Pick<ProjectSettings, 'fps'> },
  transition: ProjectSettings['transition'],
): RenderBoundsReport {
  const { scenes, settings } = content;
  if (!scenes.length) throw new RenderDocumentError('Nothing to render: the storyboard has no scenes yet.');
  if (scenes.length > MAX_RENDER_SCENES)
    throw new RenderDocumentError(
      `The storyboard has ${scenes.length} scenes; one render takes at most ${MAX_RENDER_SCENES}. Merge or remove scenes, or split the story into several projects.`,
      { limit: MAX_RENDER_SCENES, actual: scenes.length },
    );
  const transitionSec = transitionSeconds(transition, settings.fps);
  const estimate = estimateRenderLength(scenes, transitionSec, settings.fps);
  const where = (i: number) => ({
    scene: i + 1,
    sceneId: scenes[i]!.id,
    heading: scenes[i]!.heading,
  });
  const over = estimate.shots.findIndex((sec) => sec > MAX_SCENE_DURATION_SEC);
  if (over >= 0)
    throw new RenderDocumentError(
      `${sceneLabel(over, scenes[over]!.heading)} needs about ${formatLength(estimate.shots[over]!)} on screen to speak its dialogue; the longest scene we render is ${formatLength(MAX_SCENE_DURATION_SEC)}. Split it into scenes.`,
      { ...where(over), limit: MAX_SCENE_DURATION_SEC, actual: estimate.shots[over] },
    );
  if (estimate.totalSec > MAX_RENDER_DURATION_SEC) {
    const longest = estimate.shots.indexOf(Math.max(...estimate.shots));
    throw new RenderDocumentError(
      `The film would run about ${formatLength(estimate.totalSec)}; one render makes at most ${formatLength(MAX_RENDER_DURATION_SEC)}. Its longest scene is ${sceneLabel(longest, scenes[longest]!.heading)} at ${formatLength(estimate.shots[longest]!)}: shorten scenes or split the story into several projects.`,
      { ...where(longest), limit: MAX_RENDER_DURATION_SEC, actual: estimate.totalSec },
    );
  }
  // Blank scenes are rendered (a silent beat can be meant), but the user should know.
  const blank = scenes.flatMap((s, i) =>
    !s.heading.trim() && !s.synopsis.trim() && !s.dialogue.some((l) => l.text.trim()) ? [i + 1] : [],
  );
  const shown = blank.slice(0, 5);
  const list =
    blank.length > shown.length
      ? `${shown.join(', ')} and ${blank.length - shown.length} more`
      : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
  const warnings =
    blank.length === 0
      ? []
      : blank.length === 1
        ? [
            `Scene ${blank[0]} has no text: it renders as a silent ${formatLength(estimate.shots[blank[0]! - 1]!)} shot.`,
          ]
        : [`Scenes ${list} have no text: they render as silent shots.`];
  return { ...estimate, warnings };
}
