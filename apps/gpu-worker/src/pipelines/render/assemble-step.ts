import type { JobOutput } from '@clapboard/shared/jobs';
import type { RenderVideoValue } from '@clapboard/shared/render-result';
import { sceneSpans, transitionSeconds } from '@clapboard/shared/render-timing';
import type { StepDefinition } from '../../jobs/pipeline';
import { assembleFilm, type FilmShot, previousGainDb } from './assemble-film';
import { brandCard } from './brand-cards';
import { brandOf, cardsBrandKey } from './brand-kit';
import { brandFiles } from './brand-shot';
import {
  outputSize,
  type RenderDeps,
  type RenderParams,
  type RenderStepContext,
  transitionOf,
} from './render-context';
import { loadRenderDocument } from './render-document';
import type { ShotValue } from './shot-step';
import { upstream } from './shot-step';
import type { VoiceValue } from './voice-step';

async function inputsOf(ctx: RenderStepContext) {
  const doc = await loadRenderDocument(ctx.sql, ctx.jobId);
  const scenes = doc.scenes.map((_, i) => ({
    frame: upstream(ctx.inputs, `scene-${i}/frame`, 'frame'),
    voice: upstream(ctx.inputs, `scene-${i}/voice`, 'voice'),
    shot: upstream(ctx.inputs, `scene-${i}/shot`, 'shot'),
    head: ctx.inputs[`scene-${i}/shot`]?.outputs.find((o) => o.name === 'shot-head'),
    tail: ctx.inputs[`scene-${i}/shot`]?.outputs.find((o) => o.name === 'shot-tail'),
  }));
  const music = upstream(ctx.inputs, 'music', 'music');
  const transition = transitionOf(ctx, doc);
  const fps = doc.settings.fps;
  return { doc, scenes, music, transition, fps, transitionSec: transitionSeconds(transition, fps) };
}

const sha = (o: JobOutput) => (o.value as { sha256: string }).sha256;

/**
 * Assemble step: dialogue over the ducked music, normalized to −16 LUFS; the shots joined with the
 * project's transition, between the brand kit's intro and outro cards when it has them; subtitles
 * as WebVTT and SRT; a poster and a thumbnail strip (`assembleFilm`). Everything is an asset of
 * the project, linked to the job and the pinned document version.
 */
export function assembleStep(deps: RenderDeps): StepDefinition<RenderParams> {
  return {
    // 3: the video's value records each scene's span (`scenes`).
    version: 3,
    cacheInput: async (ctx) => {
      const { doc, scenes, music, transitionSec, fps } = await inputsOf(ctx);
      return {
        versionId: doc.versionId,
        shots: scenes.map((s) => sha(s.shot)),
        voices: scenes.map((s) => sha(s.voice)),
        frames: scenes.map((s) => sha(s.frame)),
        music: sha(music),
        transitionSec,
        transition: transitionOf(ctx, doc),
        fps,
        preset: ctx.params.preset,
        // The kit's cards (undefined without them: the key stays as it was).
        cards: await cardsBrandKey(deps.store, brandOf(ctx.params), ctx.jobId),
      };
    },
    run: async (ctx) => {
      const { doc, scenes, music, transition, transitionSec, fps } = await inputsOf(ctx);
      const { width, height } = outputSize(ctx);
      const voices = scenes.map((s) => s.voice.value as VoiceValue);
      const brand = brandOf(ctx.params);
      const files = brand ? await brandFiles(deps.store, brand, ctx.jobId, ctx.scratchDir) : null;
      const card = (which: 'intro' | 'outro') =>
        files
          ? brandCard(ctx as never, deps, {
              files,
              which,
              width,
              height,
              fps,
              transitionSec,
              cacheType: 'render.video',
            })
          : Promise.resolve(null);
      const [intro, outro] = [await card('intro'), await card('outro')];
      const sceneShots: FilmShot[] = scenes.map((s, i) => ({
        body: s.shot.assetId!,
        head: s.head?.assetId,
        tail: s.tail?.assetId,
        durationSec: voices[i]!.durationSec,
        sha256: (s.shot.value as ShotValue).sha256,
        voiceAssetId: s.voice.assetId!,
        lines: voices[i]!.lines,
        frameAssetId: s.frame.assetId!,
      }));
      const shots = [...(intro ? [intro] : []), ...sceneShots, ...(outro ? [outro] : [])];
      const { preset } = ctx.params;
      const tag = `${preset.resolution}-${preset.aspectRatio.replace(':', 'x')}`;
      const film = await assembleFilm(ctx as never, deps, {
        shots,
        musicAssetId: music.assetId!,
        transition,
        transitionSec,
        fps,
        width,
        height,
        cacheType: 'render.video',
        previousGainDb: await previousGainDb(ctx as never, 'render.video', 'video'),
        videoName: `render-${tag}.mp4`,
        report: (progress, stage, message) =>
          ctx.report({ stage: `assemble: ${stage}`, progress, message: message ?? stage }),
      });
      ctx.report({
        stage: 'assemble: done',
        progress: 100,
        message: `Rendered ${film.totalSec.toFixed(1)} s at ${width}×${height}`,
      });
      const durations = shots.map((s) => s.durationSec);
      // Scene spans skip the cards: a scene's span is where its own shot shows.
      const spans = sceneSpans(durations, transitionSec, fps).slice(intro ? 1 : 0);
      return {
        outputs: [
          {
            name: 'video',
            assetId: film.video.assetId,
            value: {
              versionId: doc.versionId,
              durationSec: film.totalSec,
              width,
              height,
              fps,
              shots: durations,
              transitionSec,
              scenes: doc.scenes.map((scene, i) => ({
                sceneId: scene.id,
                heading: scene.heading,
                ...spans[i]!,
              })),
              ...(intro || outro
                ? { cards: { introSec: intro?.durationSec ?? 0, outroSec: outro?.durationSec ?? 0 } }
                : {}),
              loudness: {
                measuredLufs: film.loudness.integratedLufs,
                gainDb: film.loudness.gainDb,
                limited: film.loudness.limited,
                spans: film.loudness.spans,
                reusedSpans: film.loudness.reusedSpans,
                targetLufs: -16,
              },
            } satisfies RenderVideoValue,
          },
          { name: 'subtitles.vtt', assetId: film.vtt.assetId, value: { cues: film.cues } },
          { name: 'subtitles.srt', assetId: film.srt.assetId },
          { name: 'poster', assetId: film.poster.assetId },
          { name: 'strip', assetId: film.strip!.assetId },
        ],
      };
    },
  };
}
