import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSceneHeading } from '@clapboard/screenplay';
import type { StepDefinition } from '../../jobs/pipeline';
import { composeFrame, type FrameCharacter } from './compose-frame';
import {
  charactersIn,
  outputSize,
  type RenderDeps,
  type RenderParams,
  type RenderStepContext,
  sceneOf,
} from './render-context';
import { loadRenderDocument } from './render-document';
import { fetchAsset, projectAsset, storeStepFile } from './step-files';

/** Cut-outs by portrait hash: matting costs seconds on CPU and a portrait appears in many scenes. */
const cutouts = new Map<string, Promise<Buffer>>();

/** Seed for drawing: the scene's own, else a hash of its id, so a scene always looks the same. */
function seedOf(id: string, seed?: number): number {
  if (seed !== undefined) return seed;
  let h = 2166136261;
  for (const c of id) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return h >>> 0;
}

async function inputsOf(ctx: RenderStepContext) {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const { scene, index } = sceneOf(ctx, doc);
  const people = await Promise.all(
    charactersIn(scene).map(async (name) => {
      const id = doc.characters[name]?.portraitAssetId;
      const asset = id ? await projectAsset(ctx as never, id) : null;
      return { name, portraitAssetId: id ?? null, portraitSha: asset?.sha256 ?? null };
    }),
  );
  const background = scene.frameAssetId ? await projectAsset(ctx as never, scene.frameAssetId) : null;
  return { doc, scene, index, people, background };
}

/**
 * Frame step: the scene's storyboard frame at the output size. With an image generator and a
 * prompt, the picture is generated from the prompt and seed; otherwise it is composed (chosen or
 * drawn background, characters cut out of their portraits, caption strip). A missing portrait is
 * not fatal: the character stands in as a silhouette and the step says so in its warnings.
 */
export function frameStep(deps: RenderDeps): StepDefinition<RenderParams> {
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const { scene, people, background } = await inputsOf(ctx);
      const generated = Boolean(deps.models.generateImage && scene.imagePrompt);
      return {
        heading: scene.heading,
        caption: scene.synopsis,
        shot: scene.shot,
        seed: seedOf(scene.id, scene.seed),
        prompt: generated ? scene.imagePrompt : undefined,
        people: people.map((p) => [p.name, p.portraitSha]),
        background: background?.sha256 ?? null,
        size: outputSize(ctx),
        models: generated || people.some((p) => p.portraitSha) ? deps.models.version : null,
      };
    },
    run: async (ctx) => {
      const { scene, index, people, background } = await inputsOf(ctx);
      const { width, height } = outputSize(ctx);
      const warnings: string[] = [];
      const seed = seedOf(scene.id, scene.seed);
      const label = `scene ${index + 1}`;
      ctx.report({ stage: `${label}: frame`, progress: 5, message: `Drawing the frame for ${label}` });

      let backdrop: Buffer | undefined;
      if (deps.models.generateImage && scene.imagePrompt) {
        ctx.report({ stage: `${label}: generating`, progress: 10 });
        backdrop = await deps.models.generateImage(scene.imagePrompt, {
          seed,
          width,
          height,
          signal: ctx.signal,
        });
      } else if (background) {
        const file = join(ctx.scratchDir, 'background');
        await fetchAsset(ctx as never, deps.store, scene.frameAssetId!, file);
        backdrop = await readFile(file);
      } else if (scene.frameAssetId) {
        warnings.push(`The chosen background of ${label} no longer exists; a drawn one is used.`);
      }

      const characters: FrameCharacter[] = [];
      for (const [i, person] of people.entries()) {
        ctx.signal.throwIfAborted();
        if (!person.portraitSha) {
          if (person.portraitAssetId)
            warnings.push(`${person.name}'s portrait no longer exists; a silhouette stands in.`);
          characters.push({ name: person.name });
          continue;
        }
        let cut = cutouts.get(person.portraitSha);
        if (!cut) {
          const file = join(ctx.scratchDir, `portrait-${i}`);
          cut = fetchAsset(ctx as never, deps.store, person.portraitAssetId!, file).then(async () => {
            const bytes = await readFile(file);
            return deps.models.cutout ? deps.models.cutout(bytes) : bytes;
          });
          cutouts.set(person.portraitSha, cut);
          cut.catch(() => cutouts.delete(person.portraitSha!));
          if (cutouts.size > 64) cutouts.delete(cutouts.keys().next().value as string);
        }
        ctx.report({
          stage: `${label}: cutting out ${person.name}`,
          progress: 20 + (60 * i) / people.length,
        });
        characters.push({ name: person.name, cutout: await cut });
      }

      const look = parseSceneHeading(scene.heading);
      const png = await composeFrame({
        width,
        height,
        shot: scene.shot,
        look,
        heading: scene.heading,
        caption: scene.synopsis,
        characters: backdrop && deps.models.generateImage && scene.imagePrompt ? [] : characters,
        background: backdrop,
        seed,
      });
      const file = join(ctx.scratchDir, 'frame.png');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(file, png);
      const stored = await storeStepFile(ctx as never, deps.store, {
        file,
        kind: 'image',
        mime: 'image/png',
        name: `frame-${index + 1}.png`,
        width,
        height,
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
