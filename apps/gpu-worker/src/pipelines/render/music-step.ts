import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ffprobe } from '@clapboard/server/media';
import { estimateRenderLength } from '@clapboard/server/render';
import type { MusicMood } from '@clapboard/shared/campaigns';
import { transitionSeconds } from '@clapboard/shared/render-timing';
import type { StepDefinition } from '../../jobs/pipeline';
import { encodeWav } from '../../media/encode-wav';
import type { MusicGenerator, MusicRequest } from '../../providers/task-interfaces';
import { brandOf } from './brand-kit';
import { AUDIO_RATE } from './mix-soundtrack';
import { readPcm } from './pcm-wav';
import { type RenderDeps, type RenderParams, type RenderStepContext, transitionOf } from './render-context';
import { loadRenderDocument, type RenderDocument } from './render-document';
import { fetchAsset, projectAsset, storeStepFile } from './step-files';
import { type MusicStyle, musicStyleFor, synthesizeMusic } from './synthesize-music';

/** Most music asked of a provider (seconds); the render loops it under a longer film. */
export const MAX_MUSIC_REQUEST_SEC = 300;
/** Requests are rounded up to this (seconds), so a small edit to the film does not ask again. */
const MUSIC_REQUEST_STEP_SEC = 30;
/** Shortest and longest provider track taken (seconds); anything else is refused before decoding. */
export const PROVIDER_TRACK_SEC = { min: 1, max: 600 } as const;

/** FNV-1a of the prompt: the same mood asks for the same track. */
function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * What the render asks a music provider for: a prompt from the project's mood setting, the film's
 * estimated length (the worker's timing rules, rounded up to 30 s, at most MAX_MUSIC_REQUEST_SEC)
 * and a seed from the prompt.
 */
export function musicRequestFor(doc: RenderDocument, transition: RenderDocument['settings']['transition']) {
  const { fps, musicPrompt } = doc.settings;
  const filmSec = estimateRenderLength(doc.scenes, transitionSeconds(transition, fps), fps).totalSec;
  const style = musicStyleFor(musicPrompt);
  return {
    prompt: `Instrumental background music for a film, ${style.mood} mood: ${musicPrompt.trim() || style.mood}`,
    durationSec: Math.min(
      MAX_MUSIC_REQUEST_SEC,
      Math.max(1, Math.ceil(filmSec / MUSIC_REQUEST_STEP_SEC)) * MUSIC_REQUEST_STEP_SEC,
    ),
    seed: seedOf(musicPrompt),
  } satisfies MusicRequest;
}

/** What a brand kit's music mood asks the synthesizer (and a provider) for. */
const MOOD_PROMPTS: Record<Exclude<MusicMood, 'none'>, string> = {
  calm: 'calm',
  upbeat: 'upbeat',
  dramatic: 'tense dramatic',
  corporate: 'calm corporate',
  playful: 'playful fun',
};

async function inputsOf(ctx: RenderStepContext) {
  const loaded = await loadRenderDocument(ctx.sql, ctx.jobId);
  const track = loaded.musicAssetId ? await projectAsset(ctx as never, loaded.musicAssetId) : null;
  // A brand kit's mood replaces the project's music prompt; an uploaded track still wins.
  const mood = brandOf(ctx.params)?.style.musicMood;
  const doc: RenderDocument =
    mood && mood !== 'none'
      ? { ...loaded, settings: { ...loaded.settings, musicPrompt: MOOD_PROMPTS[mood] } }
      : loaded;
  return {
    doc,
    track: track?.kind === 'audio' || track?.kind === 'video' ? track : null,
    silent: mood === 'none',
  };
}

/**
 * Asks the provider for the track and decodes it to 48 kHz mono, after checking what came back:
 * magic bytes and size (the provider adapter), then an audio stream lasting PROVIDER_TRACK_SEC.
 *
 * @throws ProviderError or FfmpegError, or Error for a track of the wrong length
 */
async function providerTrack(
  ctx: RenderStepContext,
  music: MusicGenerator,
  request: MusicRequest,
): Promise<Float32Array> {
  const { bytes, container } = await music.generate(request, { signal: ctx.signal });
  const file = join(ctx.scratchDir, `provider-track.${container}`);
  await writeFile(file, bytes);
  const probe = await ffprobe(file, { signal: ctx.signal });
  const audio = probe.streams.find((s) => s.codecType === 'audio');
  const seconds = probe.durationSec ?? audio?.durationSec ?? null;
  if (!audio) throw new Error(`the ${container} file it sent has no audio stream`);
  if (seconds === null || seconds < PROVIDER_TRACK_SEC.min || seconds > PROVIDER_TRACK_SEC.max)
    throw new Error(
      `the track it sent lasts ${seconds === null ? 'an unknown time' : `${seconds.toFixed(1)} s`}, outside ${PROVIDER_TRACK_SEC.min}–${PROVIDER_TRACK_SEC.max} s`,
    );
  ctx.report({ stage: 'music: decoding the generated track', progress: 70 });
  return readPcm(file, ctx.scratchDir, { sampleRate: AUDIO_RATE, signal: ctx.signal });
}

const bed = (style: MusicStyle) => synthesizeMusic(style, AUDIO_RATE);

/**
 * Music step, in order of preference (a brand kit's music mood replacing the project's music
 * prompt, its `none` meaning silence unless a track was uploaded): the project's uploaded track when settings name one
 * (decoded to 48 kHz mono); a music provider's track when one is configured; otherwise a loopable
 * bed synthesized for the mood in the music prompt. A provider that fails (unreachable, timeout,
 * error status, not audio, too big or too long) never fails the render: the synthesized bed plays
 * instead, with a warning in the step's output and progress message, and that stand-in is not
 * cached, so the next render asks the provider again. A cancel still cancels.
 */
export function musicStep(deps: RenderDeps): StepDefinition<RenderParams> {
  const provider = deps.models.music;
  return {
    // Still 1: uploads and synthesized beds come out as before; provider keys are new.
    version: 1,
    cacheInput: async (ctx) => {
      const { doc, track, silent } = await inputsOf(ctx);
      if (track) return { track: track.sha256 };
      if (silent) return { silent: true };
      // Switching providers (or the request) makes new music; no provider means the synthesized bed.
      if (provider)
        return { provider: provider.source, request: musicRequestFor(doc, transitionOf(ctx, doc)) };
      return { style: musicStyleFor(doc.settings.musicPrompt) };
    },
    run: async (ctx) => {
      const { doc, track, silent } = await inputsOf(ctx);
      const file = join(ctx.scratchDir, 'music.wav');
      const style = musicStyleFor(doc.settings.musicPrompt);
      const warnings: string[] = [];
      let samples: Float32Array;
      let source: string;
      if (silent && !track) {
        // The kit asks for no music: a second of silence, looped under the film.
        samples = new Float32Array(AUDIO_RATE);
        source = 'none';
      } else if (track) {
        ctx.report({ stage: 'music: decoding the chosen track', progress: 20 });
        const original = join(ctx.scratchDir, 'track');
        await fetchAsset(ctx as never, deps.store, doc.musicAssetId!, original);
        samples = await readPcm(original, ctx.scratchDir, { sampleRate: AUDIO_RATE, signal: ctx.signal });
        source = 'upload';
      } else if (provider) {
        const request = musicRequestFor(doc, transitionOf(ctx, doc));
        ctx.report({
          stage: 'music: asking the music provider',
          progress: 10,
          message: `music: asking for ${request.durationSec} s of ${style.mood} music`,
        });
        try {
          samples = await providerTrack(ctx, provider, request);
          source = `provider:${provider.source}`;
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          const reason = err instanceof Error ? err.message : String(err);
          warnings.push(
            `The music provider failed (${reason}); a synthesized ${style.mood} bed plays instead.`,
          );
          ctx.log.warn({ err, provider: provider.source }, 'music provider failed; synthesized bed instead');
          ctx.report({ stage: `music: composing a ${style.mood} bed`, progress: 40, message: warnings[0] });
          samples = bed(style);
          source = `synthesized:${style.mood}`;
        }
      } else {
        ctx.report({ stage: `music: composing a ${style.mood} bed`, progress: 20 });
        samples = bed(style);
        source = `synthesized:${style.mood}`;
      }
      await writeFile(file, encodeWav({ samples, sampleRate: AUDIO_RATE }));
      const stored = await storeStepFile(ctx as never, deps.store, {
        file,
        kind: 'audio',
        mime: 'audio/wav',
        name: 'music.wav',
      });
      return {
        outputs: [
          {
            name: 'music',
            assetId: stored.assetId,
            value: { sha256: stored.sha256, source, ...(warnings.length ? { warnings } : {}) },
          },
        ],
        ...(warnings.length ? { cacheable: false } : {}),
      };
    },
  };
}
