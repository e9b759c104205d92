import { detectH264Encoder } from '../../media/ffmpeg';
import type { ModelRegistry } from '../../models/model-registry';
import type { ImageGenerator, MusicGenerator } from '../../providers/task-interfaces';
import { synthesizeSpeech, type VoiceId } from '../../speech/synthesize-speech';
import { MATTING } from '../../vision/matting-model';
import { removeBackground } from '../../vision/remove-background';
import type { RenderDeps } from './render-context';

/** Final H.264 settings of every render: x264 `veryfast` at CRF 23 (NVENC maps CRF to CQ). */
export const RENDER_QUALITY = { preset: 'veryfast', crf: 23 } as const;

/** Voices handed to characters without one, most natural first (festival, then flite). */
const CAST_VOICES: VoiceId[] = ['festival-kal', 'flite-slt', 'flite-rms', 'flite-awb'];

/**
 * Render dependencies from the worker runtime: its voices (festival/flite/eSpeak), portrait
 * cut-outs by the matting model when a registry with it is given, and an image generator and a
 * music generator when providers are configured (frames are composed and music synthesized otherwise).
 */
export function defaultRenderDeps(
  o: { registry?: ModelRegistry; images?: ImageGenerator; music?: MusicGenerator } = {},
): Omit<RenderDeps, 'store'> {
  const { registry, images, music } = o;
  const matting = registry?.has(MATTING) ? registry : undefined;
  return {
    models: {
      speak: async (text, voice, outFile, signal) => {
        await synthesizeSpeech(text, outFile, { voice: voice as VoiceId, signal });
      },
      voices: CAST_VOICES,
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
