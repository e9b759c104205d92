import { detectH264Encoder } from '@clapboard/server/media';
import type { ModelRegistry } from '../../models/model-registry';
import type { ImageGenerator, MusicGenerator, SpeechSynthesizer } from '../../providers/task-interfaces';
import { speakBundled } from '../../speech/speak-bundled';
import { defaultSpeechEngines, type SpeechEngines } from '../../speech/speech-engines';
import { DEFAULT_VOICE, VOICES, type VoiceId } from '../../speech/synthesize-speech';
import { MATTING } from '../../vision/matting-model';
import { removeBackground } from '../../vision/remove-background';
import { castVoices, PROVIDER_VOICE_PREFIX } from './cast-voices';
import type { RenderDeps } from './render-context';

/** Final H.264 settings of every render: x264 `veryfast` at CRF 23 (NVENC maps CRF to CQ). */
export const RENDER_QUALITY = { preset: 'veryfast', crf: 23 } as const;

/**
 * Render dependencies from the worker runtime: its voices (festival/flite/eSpeak), portrait
 * cut-outs by the matting model when a registry with it is given, and an image generator and a
 * music generator when providers are configured (frames are composed and music synthesized otherwise).
 */
export function defaultRenderDeps(
  o: {
    registry?: ModelRegistry;
    images?: ImageGenerator;
    music?: MusicGenerator;
    /** A speech provider: its voices (`provider:<name>`) come first for characters. */
    speech?: SpeechSynthesizer;
    /** The bundled engines and their smoke-run states; default the process's (programs on PATH). */
    engines?: SpeechEngines;
  } = {},
): Omit<RenderDeps, 'store'> {
  const { registry, images, music, speech } = o;
  const engines = o.engines ?? defaultSpeechEngines();
  const matting = registry?.has(MATTING) ? registry : undefined;
  return {
    models: {
      speak: async (text, voice, outFile, signal) => {
        if (!voice.startsWith(PROVIDER_VOICE_PREFIX) || !speech) {
          const said = await speakBundled(engines, text, outFile, { voice: voice as VoiceId, signal });
          return said.warning ? { warning: said.warning } : undefined;
        }
        const name = voice.slice(PROVIDER_VOICE_PREFIX.length);
        try {
          await speech.synthesize(text, outFile, { voice: name, signal });
          return;
        } catch (err) {
          signal.throwIfAborted();
          // A provider that is down must not fail the render: a bundled voice speaks instead.
          const said = await speakBundled(engines, text, outFile, { voice: DEFAULT_VOICE, signal });
          const reason = err instanceof Error ? err.message : String(err);
          const spoke = VOICES[said.voice].label;
          return {
            warning: `The speech provider could not speak with ${name} (${reason.slice(0, 160)}); ${spoke} spoke instead.`,
          };
        }
      },
      voices: () => castVoices(speech, engines),
      engines,
      ...(speech ? { speechSource: speech.source } : {}),
      ...(matting ? { cutout: (image: Buffer) => removeBackground(matting, image) } : {}),
      ...(images
        ? {
            generateImage: (
              prompt: string,
              g: { seed: number; width: number; height: number; signal: AbortSignal },
            ) => images.generate(prompt, g),
          }
        : {}),
      // Not part of `version`: only the music step uses it, and its cache key names the provider.
      ...(music ? { music } : {}),
      version: `voices:festival+flite;matting:${matting ? MATTING : 'none'};images:${images?.source ?? 'none'}`,
    },
    encoder: () => detectH264Encoder(),
    quality: RENDER_QUALITY,
  };
}
