import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { ffprobe } from '@clapboard/server/media';
import type { JobOutput } from '@clapboard/shared/jobs';
import type { RenderVideoValue } from '@clapboard/shared/render-result';
import { layoutTimeline, sceneSpans, transitionSeconds } from '@clapboard/shared/render-timing';
import { inPool } from '../../jobs/in-pool';
import type { StepDefinition } from '../../jobs/pipeline';
import { readCachedStep, stepCacheKey, writeCachedStep } from '../../jobs/step-cache';
import { type AssembleShot, assembleVideo, type TransitionCache } from './assemble-video';
import { AUDIO_RATE, layDialogue, loopMusic, mixSoundtrack, type SoundtrackCache } from './mix-soundtrack';
import { readPcm } from './pcm-wav';
import { posterAndStrip } from './poster-and-strip';
import {
  outputSize,
  type RenderDeps,
  type RenderParams,
  type RenderStepContext,
  transitionOf,
} from './render-context';
import { loadRenderDocument } from './render-document';
import { upstream } from './shot-step';
import { fetchAsset, storeStepFile } from './step-files';
import { type Cue, formatSrt, formatVtt } from './subtitle-files';
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
 * Pieces of the film kept as assets across renders under a content address (the transitions, the
 * soundtrack spans), so a re-render fetches what did not change instead of encoding it. They are
 * complete outputs, so they are not removed if this assembly fails.
 */
function assemblyCache(
  ctx: RenderStepContext,
  deps: RenderDeps,
  piece: { definition: string; kind: 'video' | 'audio'; mime: string },
) {
  const key = (input: unknown) => stepCacheKey(ctx.projectId, 'render.video', piece.definition, 1, input);
  return {
    /** Copies the piece stored for `input` to `out`; false when there is none. */
    async fetch(input: unknown, out: string): Promise<boolean> {
      const hit = await readCachedStep(ctx.sql, key(input));
      const assetId = hit?.outputs[0]?.assetId;
      if (!assetId) return false;
      await fetchAsset(ctx as never, deps.store, assetId, out);
      return true;
    },
    /** Keeps `file` as the piece for `input`. */
    async keep(input: unknown, file: string, name: string): Promise<void> {
      const assetId = await saveJobFile(ctx.sql, deps.store, {
        projectId: ctx.projectId,
        jobId: ctx.jobId,
        file,
        kind: piece.kind,
        mime: piece.mime,
        name,
      });
      await writeCachedStep(ctx.sql, ctx.projectId, key(input), piece.definition, {
        outputs: [{ name: piece.definition, assetId }],
      });
    },
  };
}

/**
 * Transitions by the two shots they join: a one-scene change re-encodes at most the two
 * transitions touching that scene.
 */
function transitionCache(
  ctx: RenderStepContext,
  deps: RenderDeps,
  shotHashes: string[],
  settings: Record<string, unknown>,
): TransitionCache {
  const cache = assemblyCache(ctx, deps, { definition: 'transition', kind: 'video', mime: 'video/mp4' });
  const input = (i: number) => ({ from: shotHashes[i], to: shotHashes[i + 1], ...settings });
  return {
    get: (i, out) => cache.fetch(input(i), out),
    put: (i, file) => cache.keep(input(i), file, `transition-${i + 1}.mp4`),
  };
}

/** Encoded soundtrack spans by the hash of their samples: a re-render encodes only the spans whose audio changed. */
function soundtrackCache(ctx: RenderStepContext, deps: RenderDeps): SoundtrackCache {
  const cache = assemblyCache(ctx, deps, { definition: 'soundtrack-span', kind: 'audio', mime: 'audio/aac' });
  const fileOf = (hash: string) => join(ctx.scratchDir, `span-${hash}.aac`);
  return {
    get: async (hash) => ((await cache.fetch({ hash }, fileOf(hash))) ? readFile(fileOf(hash)) : null),
    async put(hash, frames) {
      await writeFile(fileOf(hash), frames);
      await cache.keep({ hash }, fileOf(hash), 'soundtrack-span.aac');
    },
  };
}

/** The normalizing gain of the project's latest finished render, if any. */
async function previousGainDb(ctx: RenderStepContext): Promise<number | undefined> {
  const [row] = await ctx.sql<{ gain: number | null }[]>`
    select (o -> 'value' -> 'loudness' ->> 'gainDb')::float8 as gain
    from jobs, jsonb_array_elements(outputs) o
    where project_id = ${ctx.projectId} and type = 'render.video' and status = 'completed'
      and id <> ${ctx.jobId} and o ->> 'name' = 'video'
    order by finished_at desc limit 1`;
  return row?.gain ?? undefined;
}

/**
 * Assemble step: dialogue over the ducked music, normalized to −16 LUFS; the shots joined with the
 * project's transition; subtitles as WebVTT and SRT; a poster and a thumbnail strip. Everything is
 * an asset of the project, linked to the job and the pinned document version.
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
      };
    },
    run: async (ctx) => {
      const { doc, scenes, music, transition, transitionSec, fps } = await inputsOf(ctx);
      const { width, height } = outputSize(ctx);
      const voices = scenes.map((s) => s.voice.value as VoiceValue);
      const timeline = layoutTimeline(
        voices.map((v) => v.durationSec),
        transitionSec,
      );
      const report = (progress: number, stage: string, message?: string) =>
        ctx.report({ stage: `assemble: ${stage}`, progress, message: message ?? stage });

      report(2, 'gathering', `${scenes.length} shots, ${timeline.totalSec.toFixed(1)} s`);
      // Phase timings go to the log: where an assembly spends its time is what to tune next.
      const phases: Record<string, number> = {};
      let mark = performance.now();
      const lap = (name: string) => {
        phases[name] = Math.round(performance.now() - mark);
        mark = performance.now();
      };
      const tracks: Float32Array[] = [];
      const shots: AssembleShot[] = [];
      const frames: string[] = [];
      let gathered = 0;
      // A few scenes at once: each is three or four small copies and a WAV read.
      await inPool(scenes, 4, async (s, i) => {
        const file = (name: string) => join(ctx.scratchDir, `${name}-${i}`);
        const fetch = async (assetId: string | undefined, name: string) => {
          if (!assetId) return undefined;
          await fetchAsset(ctx as never, deps.store, assetId, file(name));
          return file(name);
        };
        const [voiceFile, body, head, tail, frameFile] = await Promise.all([
          fetch(s.voice.assetId, 'voice.wav'),
          fetch(s.shot.assetId, 'shot.mp4'),
          fetch(s.head?.assetId, 'head.mp4'),
          fetch(s.tail?.assetId, 'tail.mp4'),
          fetch(s.frame.assetId, 'frame.png'),
        ]);
        tracks[i] = await readPcm(voiceFile!, ctx.scratchDir, { sampleRate: AUDIO_RATE, signal: ctx.signal });
        shots[i] = { body: body!, head, tail, durationSec: voices[i]!.durationSec };
        frames[i] = frameFile!;
        report(2 + (++gathered / scenes.length) * 8, 'gathering');
      });
      const musicFile = join(ctx.scratchDir, 'music-loop.wav');
      await fetchAsset(ctx as never, deps.store, music.assetId!, musicFile);
      const loop = await readPcm(musicFile, ctx.scratchDir, { sampleRate: AUDIO_RATE, signal: ctx.signal });
      lap('gatherMs');

      // Sound and picture are independent until the final mux: mix while the transitions encode.
      const soundtrack = join(ctx.scratchDir, 'soundtrack.aac');
      let audioDone = 0;
      let videoDone = 0;
      const progress = (stage: string) => report(10 + (audioDone * 0.3 + videoDone * 0.7) * 75, stage);
      const mixing = mixSoundtrack({
        dialogue: layDialogue(tracks, timeline.offsets, timeline.totalSec),
        music: loopMusic(loop, timeline.totalSec),
        // Cut mid-transition, where the dialogue is silent: one span per scene.
        cutsAtSec: timeline.offsets.slice(1).map((t) => t + transitionSec / 2),
        cache: soundtrackCache(ctx, deps),
        previousGainDb: await previousGainDb(ctx),
        out: soundtrack,
        scratchDir: ctx.scratchDir,
        signal: ctx.signal,
        onProgress: (f) => {
          audioDone = f;
          progress('mixing and normalizing audio');
        },
      });
      const mixStarted = performance.now();
      mixing.then(
        () => {
          phases.audioMs = Math.round(performance.now() - mixStarted);
        },
        () => {}, // awaited below; a video failure must not leave it unhandled
      );
      const video = join(ctx.scratchDir, 'render.mp4');
      await assembleVideo({
        shots,
        transition,
        transitionSec,
        fps,
        soundtrack: mixing.then(() => soundtrack),
        transitionCache: transitionCache(
          ctx,
          deps,
          scenes.map((x) => sha(x.shot)),
          { transition, transitionSec, fps, encoder: await deps.encoder(), quality: deps.quality },
        ),
        out: video,
        encoder: await deps.encoder(),
        quality: deps.quality,
        scratchDir: ctx.scratchDir,
        signal: ctx.signal,
        onProgress: (f, stage) => {
          if (stage === 'joining' && phases.partsMs === undefined)
            phases.partsMs = Math.round(performance.now() - mixStarted);
          videoDone = f;
          progress(stage);
        },
      });
      const loudness = await mixing;
      lap('mixAndJoinMs');

      report(86, 'subtitles, poster and strip');
      const cues: Cue[] = voices.flatMap((v, i) =>
        v.lines.map((l) => ({
          startSec: timeline.offsets[i]! + l.startSec,
          endSec: timeline.offsets[i]! + l.endSec,
          text: l.text,
          speaker: l.character,
        })),
      );
      const vtt = join(ctx.scratchDir, 'subtitles.vtt');
      const srt = join(ctx.scratchDir, 'subtitles.srt');
      await writeFile(vtt, formatVtt(cues));
      await writeFile(srt, formatSrt(cues));
      const art = await posterAndStrip(frames);
      const posterFile = join(ctx.scratchDir, 'poster.jpg');
      const stripFile = join(ctx.scratchDir, 'strip.jpg');
      await writeFile(posterFile, art.poster);
      await writeFile(stripFile, art.strip);

      lap('subtitlesAndArtMs');
      const probe = await ffprobe(video, { signal: ctx.signal });
      const { preset } = ctx.params;
      const tag = `${preset.resolution}-${preset.aspectRatio.replace(':', 'x')}`;
      const save = (file: string, o: Parameters<typeof storeStepFile>[2]) =>
        storeStepFile(ctx as never, deps.store, { ...o, file });
      const videoAsset = await save(video, {
        file: video,
        kind: 'video',
        mime: 'video/mp4',
        name: `render-${tag}.mp4`,
        width,
        height,
        durationSec: probe.durationSec ?? timeline.totalSec,
        probe: probe as never,
      });
      const vttAsset = await save(vtt, {
        file: vtt,
        kind: 'document',
        mime: 'text/vtt',
        name: 'subtitles.vtt',
      });
      const srtAsset = await save(srt, {
        file: srt,
        kind: 'document',
        mime: 'application/x-subrip',
        name: 'subtitles.srt',
      });
      const posterAsset = await save(posterFile, {
        file: posterFile,
        kind: 'image',
        mime: 'image/jpeg',
        name: 'poster.jpg',
        width,
        height,
      });
      const stripAsset = await save(stripFile, {
        file: stripFile,
        kind: 'image',
        mime: 'image/jpeg',
        name: 'strip.jpg',
        width: art.stripWidth,
        height: art.stripHeight,
      });
      lap('storeMs');
      ctx.log.info(
        {
          phases,
          spans: loudness.spans,
          reusedSpans: loudness.reusedSpans,
          lufs: loudness.integratedLufs,
          gainDb: loudness.gainDb,
        },
        'assembled',
      );
      report(100, 'done', `Rendered ${timeline.totalSec.toFixed(1)} s at ${width}×${height}`);
      return {
        outputs: [
          {
            name: 'video',
            assetId: videoAsset.assetId,
            value: {
              versionId: doc.versionId,
              durationSec: timeline.totalSec,
              width,
              height,
              fps,
              shots: voices.map((v) => v.durationSec),
              transitionSec,
              scenes: sceneSpans(
                voices.map((v) => v.durationSec),
                transitionSec,
                fps,
              ).map((span, i) => ({ sceneId: doc.scenes[i]!.id, heading: doc.scenes[i]!.heading, ...span })),
              loudness: {
                measuredLufs: loudness.integratedLufs,
                gainDb: loudness.gainDb,
                limited: loudness.limited,
                spans: loudness.spans,
                reusedSpans: loudness.reusedSpans,
                targetLufs: -16,
              },
            } satisfies RenderVideoValue,
          },
          { name: 'subtitles.vtt', assetId: vttAsset.assetId, value: { cues: cues.length } },
          { name: 'subtitles.srt', assetId: srtAsset.assetId },
          { name: 'poster', assetId: posterAsset.assetId },
          { name: 'strip', assetId: stripAsset.assetId },
        ],
      };
    },
  };
}
