import type { H264Encoder } from '@clapboard/server/media';
import type { BlobStore } from '@clapboard/server/storage';
import { frameSize, type Scene } from '@clapboard/shared/document';
import type { JobPayload } from '@clapboard/shared/jobs';
import type { VoiceOption } from '@clapboard/shared/models';
import { UnrecoverableError } from 'bullmq';
import type { StepContext } from '../../jobs/pipeline';
import type { RenderDocument } from './render-document';
import type { RenderModels } from './render-models';

export type RenderParams = JobPayload<'render.video'>;
export type RenderStepContext = StepContext<RenderParams>;

/** What every render step needs besides its context. */
export interface RenderDeps {
  store: BlobStore;
  models: RenderModels;
  /** The H.264 encoder (NVENC when it works, else libx264). */
  encoder: () => Promise<H264Encoder>;
  /** Final x264 settings; shots are encoded with them and copied into the film. */
  quality: { preset: string; crf: number };
}

/** The scene a per-scene step works on (`item.scene` is its index in the pinned document). */
export function sceneOf(ctx: RenderStepContext, doc: RenderDocument): { scene: Scene; index: number } {
  const index = Number(ctx.item?.scene);
  const scene = doc.scenes[index];
  if (!Number.isInteger(index) || !scene)
    throw new UnrecoverableError(
      `The render was planned for scene ${index + 1}, but the pinned document has ${doc.scenes.length}.`,
    );
  return { scene, index };
}

/** Output size for the render's preset. */
export function outputSize(ctx: RenderStepContext): { width: number; height: number } {
  return frameSize(ctx.params.preset.resolution, ctx.params.preset.aspectRatio);
}

/** Characters who speak in the scene, upper-cased, in order of their first line. */
export function charactersIn(scene: Scene): string[] {
  const names: string[] = [];
  for (const line of scene.dialogue) {
    const name = line.character.trim().toUpperCase();
    if (name && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * A character's voice: their own when the runtime knows it, else the scene's, else `fallback` (a
 * brand kit's default voice) when known, else one handed out
 * from the available voices by the character's place in the cast (so two characters never share a
 * voice by accident). A character whose gender the cast or script states (`doc.genders`) is handed
 * a voice of that register, by their place among the cast of that gender. A chosen voice whose
 * engine is unavailable is kept: speaking it falls back to eSpeak NG with a warning on the render.
 */
export function voiceFor(
  doc: RenderDocument,
  name: string,
  scene: Scene,
  voices: readonly VoiceOption[],
  fallback?: string | null,
): string {
  const known = (id: string | undefined | null) => Boolean(id && voices.some((v) => v.id === id));
  const own = doc.characters[name]?.voice;
  if (own && known(own)) return own;
  if (scene.voice && known(scene.voice)) return scene.voice;
  if (fallback && known(fallback)) return fallback;
  const genders = doc.genders ?? {};
  const gender = genders[name] ?? null;
  const cast = [...new Set([...Object.keys(doc.characters), ...doc.scenes.flatMap(charactersIn)])]
    .filter((n) => !gender || genders[n] === gender)
    .sort();
  const usable = voices.filter((v) => v.available);
  const matching = gender ? usable.filter((v) => v.gender === gender) : usable;
  const pool = matching.length ? matching : usable.length ? usable : voices;
  return pool[Math.max(0, cast.indexOf(name)) % pool.length]!.id;
}

/** The same transition for every join: the preset's, else the project's. */
export function transitionOf(ctx: RenderStepContext, doc: RenderDocument) {
  return ctx.params.preset.transition ?? doc.settings.transition;
}
