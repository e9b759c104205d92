import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSceneHeading } from '@clapboard/screenplay';
import type { BlobStore } from '@clapboard/server/storage';
import type { Character, Scene } from '@clapboard/shared/document';
import { UnrecoverableError } from 'bullmq';
import type { StepContext } from '../../jobs/pipeline';
import { ModelInputError } from '../../models/run-user-model';
import {
  composeFrame,
  composePlate,
  type FrameCharacter,
  type FrameFont,
  type FrameSubject,
  type FrameTextColors,
  fitFrame,
} from './compose-frame';
import { charactersIn, type RenderDeps } from './render-context';
import { fetchAsset, projectAsset, type StoredFile, storeStepFile } from './step-files';

/** What drawing a frame needs from the runtime. */
export type FrameDeps = Pick<RenderDeps, 'store' | 'models'>;

/** Seed for drawing: the scene's own, else a hash of its id, so a scene always looks the same. */
export function seedOf(id: string, seed?: number): number {
  if (seed !== undefined) return seed;
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

/** The assets a scene's frame is drawn from, resolved against the job's project. */
export interface FrameSources {
  /** Characters who speak in the scene, with their portrait's hash when it still exists. */
  people: Array<{ name: string; portraitAssetId: string | null; portraitSha: string | null }>;
  /**
   * The scene's `frameAssetId`: an uploaded background, or a finished frame (one a frame job
   * made and a user picked, marked `storyboardFrame`). Null when unset, missing or not an image.
   */
  chosen: { assetId: string; sha256: string; finished: boolean } | null;
  /** `frameAssetId` names an asset that no longer exists (or is not an image). */
  chosenMissing: boolean;
}

/** Looks up the scene's chosen image and its characters' portraits. */
export async function frameSources(
  ctx: StepContext<never>,
  characters: Record<string, Character>,
  scene: Scene,
): Promise<FrameSources> {
  const people = await Promise.all(
    charactersIn(scene).map(async (name) => {
      const id = characters[name]?.portraitAssetId ?? null;
      const asset = id ? await projectAsset(ctx, id) : null;
      return { name, portraitAssetId: id, portraitSha: asset?.sha256 ?? null };
    }),
  );
  const row = scene.frameAssetId ? await projectAsset(ctx, scene.frameAssetId) : null;
  const chosen =
    row && row.kind === 'image'
      ? { assetId: scene.frameAssetId!, sha256: row.sha256, finished: Boolean(row.probe?.storyboardFrame) }
      : null;
  return { people, chosen, chosenMissing: Boolean(scene.frameAssetId) && !chosen };
}

export interface SceneFrameRequest {
  scene: Scene;
  sources: FrameSources;
  seed: number;
  width: number;
  height: number;
  /**
   * True (a render): a finished frame picked for the scene is the frame, only fitted to the size.
   * False (frame jobs): a picked frame is ignored and a new one is drawn for the seed.
   */
  usePicked: boolean;
  /** Names the scene in warnings, e.g. `scene 2`. */
  label: string;
  /** A brand kit's colours for the text strips and letterboxing; default the house look. */
  colors?: FrameTextColors & { background: string };
  /** A brand kit's heading font for the frame's text; default the house face. */
  font?: FrameFont;
  /** Progress within this frame (0–100) and what it is doing. */
  onProgress?: (percent: number, stage: string) => void;
}

/** How a frame came about: a user's pick, an image model, or composition. */
export type FrameKind = 'picked' | 'generated' | 'composed';

function kindOf(deps: FrameDeps, r: SceneFrameRequest): FrameKind {
  if (r.usePicked && r.sources.chosen?.finished) return 'picked';
  if (deps.models.generateImage && r.scene.imagePrompt?.trim()) return 'generated';
  return 'composed';
}

/** An uploaded background to compose on, if the scene has one (a picked frame is not one). */
const uploadedBackground = (s: FrameSources) => (s.chosen && !s.chosen.finished ? s.chosen : null);

/**
 * Content address of one frame: a JSON value that changes whenever the picture would (the
 * scene's words and shot, seed, size, portraits, background, prompt, and the models that drew it).
 */
export function frameCacheInput(deps: FrameDeps, r: SceneFrameRequest): Record<string, unknown> {
  const kind = kindOf(deps, r);
  const size = { width: r.width, height: r.height };
  // Brand colours change the strips and the letterbox; without a kit the keys stay as they were.
  const colors = r.colors;
  if (kind === 'picked') return { picked: r.sources.chosen!.sha256, size, colors };
  // The kit font by its hash; absent (not null) without one, so those keys stay as they were.
  const font = r.font?.sha256;
  const composed = kind === 'composed';
  const people = composed ? r.sources.people.map((p) => [p.name, p.portraitSha]) : [];
  return {
    heading: r.scene.heading,
    caption: r.scene.synopsis,
    shot: r.scene.shot,
    seed: r.seed,
    prompt: composed ? undefined : r.scene.imagePrompt,
    people,
    background: uploadedBackground(r.sources)?.sha256 ?? null,
    size,
    colors,
    font,
    models: !composed || people.some(([, sha]) => sha) ? deps.models.version : null,
  };
}

/** Cut-outs by portrait hash: matting costs seconds on CPU and a portrait appears in many frames. */
const cutouts = new Map<string, Promise<Buffer>>();

function cutoutOf(
  ctx: StepContext<never>,
  deps: FrameDeps,
  person: FrameSources['people'][number],
  file: string,
): Promise<Buffer> {
  const sha = person.portraitSha!;
  let cut = cutouts.get(sha);
  if (!cut) {
    cut = fetchAsset(ctx, deps.store, person.portraitAssetId!, file).then(async () => {
      const bytes = await readFile(file);
      return deps.models.cutout ? deps.models.cutout(bytes) : bytes;
    });
    cutouts.set(sha, cut);
    cut.catch(() => cutouts.delete(sha));
    if (cutouts.size > 64) cutouts.delete(cutouts.keys().next().value as string);
  }
  return cut;
}

/** A scene's picture before its text: what `drawSceneFrame` and `drawScenePlate` share. */
async function scenePicture(
  deps: FrameDeps,
  ctx: StepContext<never>,
  r: SceneFrameRequest,
  o: { plate: boolean },
): Promise<
  | { kind: 'picked'; png: Buffer; warnings: string[] }
  | { kind: 'generated' | 'composed'; png: Buffer; subjects: FrameSubject[]; warnings: string[] }
> {
  const { scene, sources, width, height, seed } = r;
  const progress = r.onProgress ?? (() => {});
  const warnings: string[] = [];
  const kind = kindOf(deps, r);
  if (kind === 'picked') {
    progress(20, 'using the picked frame');
    const file = join(ctx.scratchDir, `picked-${seed}`);
    await fetchAsset(ctx, deps.store, sources.chosen!.assetId, file);
    const bytes = await readFile(file);
    // A plate keeps the picked frame as it is: each aspect fits it whole (its text is baked in).
    const png = o.plate ? bytes : await fitFrame(bytes, width, height, r.colors?.background);
    return { kind, png, warnings };
  }
  if (sources.chosenMissing)
    warnings.push(`The chosen background of ${r.label} no longer exists; a drawn one is used.`);

  let background: Buffer | undefined;
  const characters: FrameCharacter[] = [];
  if (kind === 'generated') {
    progress(10, 'generating');
    background = await deps.models.generateImage!(scene.imagePrompt!, {
      seed,
      width,
      height,
      signal: ctx.signal,
    }).catch((err: unknown) => {
      // A model that does not fit its manifest will not fit it on a retry either.
      if (err instanceof ModelInputError)
        throw new UnrecoverableError(`The image model cannot draw ${r.label}: ${err.message}`);
      throw err;
    });
  } else {
    const upload = uploadedBackground(sources);
    if (upload) {
      const file = join(ctx.scratchDir, `background-${seed}`);
      await fetchAsset(ctx, deps.store, upload.assetId, file);
      background = await readFile(file);
    }
    for (const [i, person] of sources.people.entries()) {
      ctx.signal.throwIfAborted();
      if (!person.portraitSha) {
        if (person.portraitAssetId)
          warnings.push(`${person.name}'s portrait no longer exists; a silhouette stands in.`);
        characters.push({ name: person.name });
        continue;
      }
      progress(10 + (70 * i) / sources.people.length, `cutting out ${person.name}`.slice(0, 60));
      const file = join(ctx.scratchDir, `portrait-${seed}-${i}`);
      characters.push({ name: person.name, cutout: await cutoutOf(ctx, deps, person, file) });
    }
  }
  ctx.signal.throwIfAborted();
  progress(85, 'composing');
  const frame = {
    width,
    height,
    shot: scene.shot,
    look: parseSceneHeading(scene.heading),
    heading: scene.heading,
    caption: scene.synopsis,
    characters,
    background,
    seed,
  };
  if (o.plate) {
    const plate = await composePlate(frame);
    return { kind, png: plate.png, subjects: plate.subjects, warnings };
  }
  return {
    kind,
    png: await composeFrame({ ...frame, colors: r.colors, ...(r.font ? { font: r.font } : {}) }),
    subjects: [],
    warnings,
  };
}

/**
 * Draws one storyboard frame for a scene, seed and size. With an image generator and a prompt,
 * the picture is generated from the prompt and seed and captioned; otherwise it is composed (an
 * uploaded background or one drawn for INT/EXT and time of day, the speaking characters cut out
 * of their portraits and framed by shot type, a caption strip). A render uses a frame the user
 * picked as it is. Missing portraits and backgrounds are not fatal: a silhouette or a drawn
 * background stands in, and the result says so in `warnings`.
 *
 * @returns a PNG of exactly `width`×`height`
 * @throws UnrecoverableError when the image model does not match its manifest; otherwise what the
 *   image generator throws (provider errors are retried by the step)
 */
export async function drawSceneFrame(
  deps: FrameDeps,
  ctx: StepContext<never>,
  r: SceneFrameRequest,
): Promise<{ png: Buffer; warnings: string[]; kind: FrameKind }> {
  const { kind, png, warnings } = await scenePicture(deps, ctx, r, { plate: false });
  return { png, warnings, kind };
}

/**
 * A scene's plate for platform variants: the frame's picture without its heading and caption, on
 * the matrix's canvas, with where its people stand (composed frames), so each aspect is reframed
 * around them and gets its own text. A picked frame is returned as it is (`textBaked`: its text
 * is part of it, so each aspect fits it whole); a generated picture has no known people.
 *
 * @throws as `drawSceneFrame`
 */
export async function drawScenePlate(
  deps: FrameDeps,
  ctx: StepContext<never>,
  r: SceneFrameRequest,
): Promise<{
  png: Buffer;
  subjects: FrameSubject[];
  textBaked: boolean;
  warnings: string[];
  kind: FrameKind;
}> {
  const picture = await scenePicture(deps, ctx, r, { plate: true });
  return picture.kind === 'picked'
    ? { ...picture, subjects: [], textBaked: true }
    : { ...picture, textBaked: false };
}

/**
 * Stores a frame as an image asset of the job's project, marked `storyboardFrame` so a render
 * that finds it picked for the scene shows it as it is rather than composing on top of it.
 */
export async function storeSceneFrame(
  ctx: StepContext<never>,
  store: BlobStore,
  png: Buffer,
  o: { name: string; width: number; height: number; sceneId: string; seed: number },
): Promise<StoredFile> {
  const file = join(ctx.scratchDir, o.name);
  await writeFile(file, png);
  return storeStepFile(ctx, store, {
    file,
    kind: 'image',
    mime: 'image/png',
    name: o.name,
    width: o.width,
    height: o.height,
    probe: { storyboardFrame: { sceneId: o.sceneId, seed: o.seed } },
  });
}
