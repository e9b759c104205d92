import { createHash } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveJobFile } from '@clapboard/server/assets';
import { ffprobe, type ProbeResult } from '@clapboard/server/media';
import { layoutTimeline } from '@clapboard/shared/render-timing';
import { inPool } from '../../jobs/in-pool';
import type { StepContext } from '../../jobs/pipeline';
import { readCachedStep, stepCacheKey, writeCachedStep } from '../../jobs/step-cache';
import { type AssembleShot, assembleVideo, type TransitionCache } from './assemble-video';
import {
  AUDIO_RATE,
  layDialogue,
  loopMusic,
  mixSoundtrack,
  type SoundtrackCache,
  type SoundtrackResult,
} from './mix-soundtrack';
import { readPcm } from './pcm-wav';
import { posterAndStrip } from './poster-and-strip';
import type { RenderDeps } from './render-context';
import { fetchAsset, type StoredFile, storeStepFile } from './step-files';
import { type Cue, formatSrt, formatVtt } from './subtitle-files';

/**
 * The assembly of one film from finished shots: what `render.video`'s assemble step does for its
 * film and `render.variants`' for each variant. Dialogue over the ducked music, normalized to
 * −16 LUFS; the shots joined with the transition (bodies stream-copied, transitions encoded and
 * kept); subtitles as WebVTT and SRT; a poster (and a thumbnail strip). Every file is an asset of
 * the project, linked to the job.
 */

type Ctx = StepContext<never>;

/** One shot of the film as the assembly joins it. */
export interface FilmShot {
  /** The shot's parts (assets): the body, and with transitions its head and tail. */
  body: string;
  head?: string;
  tail?: string;
  /** Exact length (seconds, whole frames). */
  durationSec: number;
  /** Identity of the whole shot (its parts' hashes): transitions are kept under the two they join. */
  sha256: string;
  /** Its dialogue track (a WAV asset), cut to `durationSec`; null: silence (a brand card). */
  voiceAssetId: string | null;
  /** Lines heard in it, from the start of the shot (subtitles). */
  lines: ReadonlyArray<{ character: string; text: string; startSec: number; endSec: number }>;
  /** Its storyboard frame (an image asset) for the poster and the strip; null for a card. */
  frameAssetId: string | null;
}

export interface AssembleFilmOptions {
  shots: FilmShot[];
  musicAssetId: string;
  transition: 'cut' | 'crossfade' | 'fade-black';
  transitionSec: number;
  fps: number;
  width: number;
  height: number;
  /** Job type the kept pieces (transitions, soundtrack spans) are cached under. */
  cacheType: string;
  /** The normalizing gain of this film's previous render, kept while close enough. */
  previousGainDb?: number;
  /** Asset names: the video's, and a prefix for the others (`''` or `vertical-15-`). */
  videoName: string;
  prefix?: string;
  /** Folder for this film's files (default the step's scratch folder); films made at once need their own. */
  dir?: string;
  /** Also make a thumbnail strip (default true). */
  strip?: boolean;
  /**
   * Soundtracks mixed by the other films of this step, by their sound's identity: a film whose
   * shots carry the same voice tracks at the same lengths over the same music takes the file.
   */
  soundtracks?: Map<string, Promise<{ file: string; result: SoundtrackResult }>>;
  /** Progress of this film, 0–100, with a stage. */
  report: (progress: number, stage: string, message?: string) => void;
}

export interface AssembledFilm {
  video: StoredFile;
  vtt: StoredFile;
  srt: StoredFile;
  poster: StoredFile;
  strip: (StoredFile & { width: number; height: number }) | null;
  cues: number;
  totalSec: number;
  offsets: number[];
  probe: ProbeResult;
  loudness: SoundtrackResult;
}

/**
 * Pieces of films kept as assets across renders under a content address (the transitions, the
 * soundtrack spans, brand cards), so a re-render fetches what did not change instead of encoding
 * it. They are complete outputs, so they are not removed if the assembly fails.
 */
export function assemblyCache(
  ctx: Ctx,
  deps: Pick<RenderDeps, 'store'>,
  piece: { type: string; definition: string; kind: 'video' | 'audio'; mime: string },
) {
  const key = (input: unknown) => stepCacheKey(ctx.projectId, piece.type, piece.definition, 1, input);
  return {
    /** Copies the pieces stored for `input` to `outs` (by name); false when there are none. */
    async fetchAll(input: unknown, outs: Record<string, string>): Promise<boolean> {
      const hit = await readCachedStep(ctx.sql, key(input));
      if (!hit) return false;
      const byName = new Map(hit.outputs.map((o) => [o.name, o.assetId]));
      if (Object.keys(outs).some((name) => !byName.get(name))) return false;
      for (const [name, out] of Object.entries(outs))
        await fetchAsset(ctx, deps.store, byName.get(name)!, out);
      return true;
    },
    /** Copies the piece stored for `input` to `out`; false when there is none. */
    async fetch(input: unknown, out: string): Promise<boolean> {
      return this.fetchAll(input, { [piece.definition]: out });
    },
    /** Keeps `files` (by name) as the pieces for `input`. */
    async keepAll(input: unknown, files: Record<string, string>, name: string): Promise<void> {
      const outputs = [];
      for (const [part, file] of Object.entries(files)) {
        const assetId = await saveJobFile(ctx.sql, deps.store, {
          projectId: ctx.projectId,
          jobId: ctx.jobId,
          file,
          kind: piece.kind,
          mime: piece.mime,
          name: `${part}-${name}`,
        });
        outputs.push({ name: part, assetId });
      }
      await writeCachedStep(ctx.sql, ctx.projectId, key(input), piece.definition, { outputs });
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
  ctx: Ctx,
  deps: Pick<RenderDeps, 'store'>,
  type: string,
  shotHashes: string[],
  settings: Record<string, unknown>,
): TransitionCache {
  const cache = assemblyCache(ctx, deps, {
    type,
    definition: 'transition',
    kind: 'video',
    mime: 'video/mp4',
  });
  const input = (i: number) => ({ from: shotHashes[i], to: shotHashes[i + 1], ...settings });
  return {
    get: (i, out) => cache.fetch(input(i), out),
    put: (i, file) => cache.keep(input(i), file, `transition-${i + 1}.mp4`),
  };
}

/** Encoded soundtrack spans by the hash of their samples: a re-render encodes only the spans whose audio changed. */
function soundtrackCache(
  ctx: Ctx,
  deps: Pick<RenderDeps, 'store'>,
  type: string,
  dir: string,
): SoundtrackCache {
  const cache = assemblyCache(ctx, deps, {
    type,
    definition: 'soundtrack-span',
    kind: 'audio',
    mime: 'audio/aac',
  });
  const fileOf = (hash: string) => join(dir, `span-${hash}.aac`);
  return {
    get: async (hash) => ((await cache.fetch({ hash }, fileOf(hash))) ? readFile(fileOf(hash)) : null),
    async put(hash, frames) {
      await writeFile(fileOf(hash), frames);
      await cache.keep({ hash }, fileOf(hash), 'soundtrack-span.aac');
    },
  };
}

/**
 * The normalizing gain of the project's latest finished job of `type` whose output `outputName`
 * recorded one (the previous render of this film), if any.
 */
export async function previousGainDb(
  ctx: Ctx,
  type: string,
  outputName: string,
): Promise<number | undefined> {
  const [row] = await ctx.sql<{ gain: number | null }[]>`
    select (o -> 'value' -> 'loudness' ->> 'gainDb')::float8 as gain
    from jobs, jsonb_array_elements(outputs) o
    where project_id = ${ctx.projectId} and type = ${type} and status = 'completed'
      and id <> ${ctx.jobId} and o ->> 'name' = ${outputName}
    order by finished_at desc limit 1`;
  return row?.gain ?? undefined;
}

/**
 * Assembles one film from its shots (see the module comment): gathers the parts, mixes and
 * normalizes the soundtrack while the transitions encode, joins, writes the subtitles, the poster
 * and the strip, and stores them all. Phase timings go to the step's log.
 *
 * @throws FfmpegError when FFmpeg fails; FfmpegAbortedError when aborted
 */
export async function assembleFilm(
  ctx: Ctx,
  deps: Pick<RenderDeps, 'store' | 'encoder' | 'quality'>,
  o: AssembleFilmOptions,
): Promise<AssembledFilm> {
  const { shots, transitionSec, fps, width, height, report } = o;
  const dir = o.dir ?? ctx.scratchDir;
  const timeline = layoutTimeline(
    shots.map((s) => s.durationSec),
    transitionSec,
  );
  report(2, 'gathering', `${shots.length} shots, ${timeline.totalSec.toFixed(1)} s`);
  // Phase timings go to the log: where an assembly spends its time is what to tune next.
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    phases[name] = Math.round(performance.now() - mark);
    mark = performance.now();
  };
  const tracks: Float32Array[] = [];
  const parts: AssembleShot[] = [];
  const frames: Array<string | null> = [];
  let gathered = 0;
  // A few shots at once: each is three or four small copies and a WAV read.
  await inPool(shots, 4, async (s, i) => {
    const file = (name: string) => join(dir, `${name}-${i}`);
    const fetch = async (assetId: string | null | undefined, name: string) => {
      if (!assetId) return undefined;
      await fetchAsset(ctx, deps.store, assetId, file(name));
      return file(name);
    };
    const [voiceFile, body, head, tail, frameFile] = await Promise.all([
      fetch(s.voiceAssetId, 'voice.wav'),
      fetch(s.body, 'shot.mp4'),
      fetch(s.head, 'head.mp4'),
      fetch(s.tail, 'tail.mp4'),
      fetch(s.frameAssetId, 'frame.png'),
    ]);
    const samples = Math.round(s.durationSec * AUDIO_RATE);
    // A fitted shot keeps its track's start (its kept lines); a card is silent.
    tracks[i] = voiceFile
      ? (await readPcm(voiceFile, dir, { sampleRate: AUDIO_RATE, signal: ctx.signal })).subarray(0, samples)
      : new Float32Array(samples);
    parts[i] = { body: body!, head, tail, durationSec: s.durationSec };
    frames[i] = frameFile ?? null;
    report(2 + (++gathered / shots.length) * 8, 'gathering');
  });
  const musicFile = join(dir, 'music-loop.wav');
  await fetchAsset(ctx, deps.store, o.musicAssetId, musicFile);
  const loop = await readPcm(musicFile, dir, { sampleRate: AUDIO_RATE, signal: ctx.signal });
  lap('gatherMs');

  // Sound and picture are independent until the final mux: mix while the transitions encode.
  const soundtrack = join(dir, 'soundtrack.aac');
  let audioDone = 0;
  let videoDone = 0;
  const progress = (stage: string) => report(10 + (audioDone * 0.3 + videoDone * 0.7) * 75, stage);
  // Films of one job with the same sound (two aspects keeping the same scenes) mix it once.
  const audioKey = createHash('sha256')
    .update(
      JSON.stringify({
        voices: shots.map((s) => [s.voiceAssetId, s.durationSec]),
        music: o.musicAssetId,
        transitionSec,
        gain: o.previousGainDb ?? null,
      }),
    )
    .digest('hex');
  const shared = o.soundtracks?.get(audioKey);
  const mixing: Promise<SoundtrackResult> = shared
    ? shared.then(async (s) => {
        await copyFile(s.file, soundtrack);
        audioDone = 1;
        return s.result;
      })
    : mixSoundtrack({
        dialogue: layDialogue(tracks, timeline.offsets, timeline.totalSec),
        music: loopMusic(loop, timeline.totalSec),
        // Cut mid-transition, where the dialogue is silent: one span per shot.
        cutsAtSec: timeline.offsets.slice(1).map((t) => t + transitionSec / 2),
        cache: soundtrackCache(ctx, deps, o.cacheType, dir),
        previousGainDb: o.previousGainDb,
        out: soundtrack,
        scratchDir: dir,
        signal: ctx.signal,
        onProgress: (f) => {
          audioDone = f;
          progress('mixing and normalizing audio');
        },
      });
  if (!shared)
    o.soundtracks?.set(
      audioKey,
      mixing.then((result) => ({ file: soundtrack, result })),
    );
  const mixStarted = performance.now();
  mixing.then(
    () => {
      phases.audioMs = Math.round(performance.now() - mixStarted);
    },
    () => {}, // awaited below; a video failure must not leave it unhandled
  );
  const video = join(dir, o.videoName);
  const encoder = await deps.encoder();
  await assembleVideo({
    shots: parts,
    transition: o.transition,
    transitionSec,
    fps,
    soundtrack: mixing.then(() => soundtrack),
    transitionCache: transitionCache(
      ctx,
      deps,
      o.cacheType,
      shots.map((x) => x.sha256),
      { transition: o.transition, transitionSec, fps, encoder, quality: deps.quality },
    ),
    out: video,
    encoder,
    quality: deps.quality,
    scratchDir: dir,
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
  const cues: Cue[] = shots.flatMap((s, i) =>
    s.lines.map((l) => ({
      startSec: timeline.offsets[i]! + l.startSec,
      endSec: timeline.offsets[i]! + l.endSec,
      text: l.text,
      speaker: l.character,
    })),
  );
  const named = (name: string) => join(dir, name);
  const vtt = named('subtitles.vtt');
  const srt = named('subtitles.srt');
  await writeFile(vtt, formatVtt(cues));
  await writeFile(srt, formatSrt(cues));
  const sceneFrames = frames.filter((f): f is string => !!f);
  const art = await posterAndStrip(sceneFrames.length ? sceneFrames : [frames.find(Boolean)!]);
  const posterFile = named('poster.jpg');
  const stripFile = named('strip.jpg');
  await writeFile(posterFile, art.poster);
  if (o.strip !== false) await writeFile(stripFile, art.strip);

  lap('subtitlesAndArtMs');
  const probe = await ffprobe(video, { signal: ctx.signal });
  const save = (file: string, s: Omit<Parameters<typeof storeStepFile>[2], 'file'>) =>
    storeStepFile(ctx, deps.store, { ...s, file });
  const videoAsset = await save(video, {
    kind: 'video',
    mime: 'video/mp4',
    name: o.videoName,
    width,
    height,
    durationSec: probe.durationSec ?? timeline.totalSec,
    probe: probe as never,
  });
  const vttAsset = await save(vtt, {
    kind: 'document',
    mime: 'text/vtt',
    name: `${o.prefix ?? ''}subtitles.vtt`,
  });
  const srtAsset = await save(srt, {
    kind: 'document',
    mime: 'application/x-subrip',
    name: `${o.prefix ?? ''}subtitles.srt`,
  });
  const posterAsset = await save(posterFile, {
    kind: 'image',
    mime: 'image/jpeg',
    name: `${o.prefix ?? ''}poster.jpg`,
    width,
    height,
  });
  const stripAsset =
    o.strip === false
      ? null
      : {
          ...(await save(stripFile, {
            kind: 'image',
            mime: 'image/jpeg',
            name: `${o.prefix ?? ''}strip.jpg`,
            width: art.stripWidth,
            height: art.stripHeight,
          })),
          width: art.stripWidth,
          height: art.stripHeight,
        };
  lap('storeMs');
  ctx.log.info(
    {
      film: o.videoName,
      phases,
      spans: loudness.spans,
      reusedSpans: loudness.reusedSpans,
      lufs: loudness.integratedLufs,
      gainDb: loudness.gainDb,
    },
    'assembled',
  );
  return {
    video: videoAsset,
    vtt: vttAsset,
    srt: srtAsset,
    poster: posterAsset,
    strip: stripAsset,
    cues: cues.length,
    totalSec: timeline.totalSec,
    offsets: timeline.offsets,
    probe,
    loudness,
  };
}
