import { detectH264Encoder } from '../../media/ffmpeg';
import { DEBIAN_VOICES, speakWithDebianVoice } from './debian-voices';
import type { RenderDeps } from './render-context';
import type { RenderModels } from './render-models';

/** Final H.264 settings of every render: x264 `veryfast` at CRF 23 (NVENC maps CRF to CQ). */
export const RENDER_QUALITY = { preset: 'veryfast', crf: 23 } as const;

/**
 * Render dependencies with the models this machine has: festival/flite voices, the given
 * matting function, no image generator unless passed.
 */
export function defaultRenderDeps(models: Partial<RenderModels> = {}): Omit<RenderDeps, 'store'> {
  return {
    models: {
      speak: speakWithDebianVoice,
      voices: ['festival-kal', 'flite-slt', 'flite-rms', 'flite-awb'] satisfies Array<keyof typeof DEBIAN_VOICES>,
      version: 'festival-2.5+flite-2.2',
      ...models,
    },
    encoder: () => detectH264Encoder(),
    quality: RENDER_QUALITY,
  };
}
