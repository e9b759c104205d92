import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { frameSize } from '@clapboard/shared/document';
import type { JobOutput } from '@clapboard/shared/jobs';
import { type VariantVideoValue, variantOutputName } from '@clapboard/shared/render-result';
import { sceneSpans } from '@clapboard/shared/render-timing';
import { inPool } from '../../jobs/in-pool';
import type { StepDefinition } from '../../jobs/pipeline';
import { assembleFilm, type FilmShot, previousGainDb } from '../render/assemble-film';
import { brandCard } from '../render/brand-cards';
import { brandOf, cardsBrandKey } from '../render/brand-kit';
import { brandFiles } from '../render/brand-shot';
import type { RenderDeps } from '../render/render-context';
import { loadRenderDocument } from '../render/render-document';
import { shotName, type VariantShotValue } from './shots-step';
import {
  matrixTransition,
  sceneVoices,
  type VariantsParams,
  type VariantsStepContext,
  variantFits,
} from './variant-context';

async function inputsOf(ctx: VariantsStepContext) {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const voices = sceneVoices(ctx, doc);
  const fits = variantFits(ctx.params, doc, voices);
  const shots = new Map((ctx.inputs.shots?.outputs ?? []).map((o) => [o.name, o]));
  const plates = doc.scenes.map((_, i) =>
    ctx.inputs[`scene-${i}/frame`]?.outputs.find((o) => o.name === 'frame'),
  );
  const music = ctx.inputs.music?.outputs.find((o) => o.name === 'music');
  if (!music?.assetId) throw new Error('Step music left no music output.');
  return { doc, voices, fits, shots, plates, music, fps: doc.settings.fps, ...matrixTransition(doc) };
}

/**
 * Variants assembled at once: each film's assembly waits on its own processes (transitions, the
 * soundtrack's spans, the join) and on the store, so three keep two cores busier than one.
 */
const PARALLEL_FILMS = 3;

const shaOf = (o: JobOutput | undefined) => (o?.value as { sha256?: string } | undefined)?.sha256 ?? null;

/**
 * Assemble step of a variant matrix: each variant's film (`assembleFilm`) from the shots of the
 * scenes its fit keeps, each scene's shared voice track cut to the fitted shot (only whole lines
 * are ever left out, and only from the end), the music bed looped and faded to the variant's
 * length, between the kit's cards; its subtitles and poster. Outputs are named
 * `variant/<key>/<part>` (`variantOutputName`); the variant's `video` value says how it was fitted.
 */
export function assembleVariantsStep(deps: RenderDeps): StepDefinition<VariantsParams> {
  return {
    version: 1,
    cacheInput: async (ctx) => {
      const { doc, voices, fits, shots, music, transitionSec, fps } = await inputsOf(ctx);
      return {
        versionId: doc.versionId,
        variants: ctx.params.variants.map((v) => [v.key, v.label, v.aspectRatio, v.durationSec]),
        fits,
        shots: [...shots.values()].map((o) => [o.name, shaOf(o)]),
        voices: voices.map((v) => v.sha256),
        music: shaOf(music),
        transitionSec,
        fps,
        resolution: ctx.params.resolution,
        cards: await cardsBrandKey(deps.store, brandOf(ctx.params), ctx.jobId),
      };
    },
    run: async (ctx) => {
      const { doc, voices, fits, shots, plates, music, transition, transitionSec, fps } = await inputsOf(ctx);
      const brand = brandOf(ctx.params);
      const files = brand ? await brandFiles(deps.store, brand, ctx.jobId, ctx.scratchDir) : null;
      const weights = fits.map((f) => Math.max(0.1, f.totalSec));
      const all = weights.reduce((s, x) => s + x, 0);
      // Each variant's own progress; the step's is their weighted sum (variants assemble at once).
      const done = weights.map(() => 0);
      const outputs: JobOutput[][] = [];
      // Variants that keep the same scenes at the same lengths share one soundtrack.
      const soundtracks = new Map();
      await inPool([...ctx.params.variants.entries()], PARALLEL_FILMS, async ([k, variant]) => {
        const fit = fits[k]!;
        const size = frameSize(ctx.params.resolution, variant.aspectRatio);
        // Films made at once each write in a folder of their own.
        const dir = join(ctx.scratchDir, `variant-${k}`);
        await mkdir(dir, { recursive: true });
        const card = (which: 'intro' | 'outro') =>
          files
            ? brandCard(ctx as never, deps, {
                files,
                which,
                ...size,
                fps,
                transitionSec,
                cacheType: 'render.variants',
                dir,
              })
            : Promise.resolve(null);
        const [intro, outro] = [await card('intro'), await card('outro')];
        const sceneShots: FilmShot[] = fit.scenes.map((s) => {
          const out = shots.get(shotName(s.scene, size, s.sec, fps, s.lines));
          if (!out?.assetId)
            throw new Error(`The shots step left no shot of scene ${s.scene + 1} for ${variant.key}.`);
          const value = out.value as VariantShotValue;
          const voice = voices[s.scene]!;
          return {
            body: out.assetId,
            head: value.headAssetId ?? undefined,
            tail: value.tailAssetId ?? undefined,
            durationSec: s.sec,
            sha256: value.sha256,
            voiceAssetId: voice.assetId,
            lines: voice.lines.slice(0, s.lines),
            frameAssetId: plates[s.scene]?.assetId ?? null,
          };
        });
        const film = [...(intro ? [intro] : []), ...sceneShots, ...(outro ? [outro] : [])];
        const videoName = variantOutputName(variant.key, 'video');
        const assembled = await assembleFilm(ctx as never, deps, {
          shots: film,
          musicAssetId: music.assetId!,
          transition,
          transitionSec,
          fps,
          ...size,
          cacheType: 'render.variants',
          previousGainDb: await previousGainDb(ctx as never, 'render.variants', videoName),
          videoName: `variant-${variant.key.replace(/[^a-z0-9-]+/gi, '_')}.mp4`,
          prefix: `${variant.key.replace(/[^a-z0-9-]+/gi, '_')}-`,
          dir,
          strip: false,
          soundtracks,
          report: (progress, stage, message) => {
            done[k] = Math.max(done[k]!, progress / 100);
            ctx.report({
              stage: `assemble ${variant.key}: ${stage}`,
              progress: Math.min(99, (done.reduce((s, d, j) => s + d * weights[j]!, 0) / all) * 100),
              message: message ?? `${variant.label}: ${stage}`,
            });
          },
        });
        const durations = film.map((s) => s.durationSec);
        const spans = sceneSpans(durations, transitionSec, fps).slice(intro ? 1 : 0);
        const value: VariantVideoValue = {
          key: variant.key,
          posterAssetId: assembled.poster.assetId,
          versionId: doc.versionId,
          durationSec: assembled.totalSec,
          width: size.width,
          height: size.height,
          fps,
          shots: durations,
          transitionSec,
          scenes: fit.scenes.map((s, j) => ({
            sceneId: doc.scenes[s.scene]!.id,
            heading: doc.scenes[s.scene]!.heading,
            ...spans[j]!,
          })),
          ...(intro || outro
            ? { cards: { introSec: intro?.durationSec ?? 0, outroSec: outro?.durationSec ?? 0 } }
            : {}),
          fit: { targetSec: variant.durationSec, dropped: fit.dropped, droppedLines: fit.droppedLines },
          loudness: {
            measuredLufs: assembled.loudness.integratedLufs,
            gainDb: assembled.loudness.gainDb,
            limited: assembled.loudness.limited,
            targetLufs: -16,
          },
        };
        outputs[k] = [
          { name: videoName, assetId: assembled.video.assetId, value },
          { name: variantOutputName(variant.key, 'poster'), assetId: assembled.poster.assetId },
          {
            name: variantOutputName(variant.key, 'subtitles.vtt'),
            assetId: assembled.vtt.assetId,
            value: { cues: assembled.cues },
          },
          { name: variantOutputName(variant.key, 'subtitles.srt'), assetId: assembled.srt.assetId },
        ];
      });
      ctx.report({
        stage: 'assemble: done',
        progress: 100,
        message: `Rendered ${ctx.params.variants.length} variant${ctx.params.variants.length === 1 ? '' : 's'}`,
      });
      return { outputs: outputs.flat() };
    },
  };
}
