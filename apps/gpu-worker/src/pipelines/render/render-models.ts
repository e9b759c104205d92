import type { VoiceOption } from '@clapboard/shared/models';
import type { MusicGenerator } from '../../providers/task-interfaces';
import type { SpeechEngines } from '../../speech/speech-engines';

/**
 * What the render takes from the worker runtime: speech, matting, and image and music generators
 * when they are configured. `main.ts` wires the real ones; tests pass the same real ones.
 */
export interface RenderModels {
  /**
   * Speaks `text` with `voice` into an audio file. When the voice's engine is unavailable (or a
   * provider voice fails) another voice speaks and `warning` says which and why; throws only when
   * eSpeak NG, the last resort, fails too.
   */
  speak(
    text: string,
    voice: string,
    outFile: string,
    signal: AbortSignal,
  ): Promise<{ warning?: string } | undefined>;
  /**
   * The voices as they stand now (availability follows the engines' smoke runs), handed out to
   * characters without a voice of their own, in order.
   */
  voices(): readonly VoiceOption[];
  /** The bundled speech engines and their smoke-run states, which `speak` falls back from. */
  engines: SpeechEngines;
  /** The speech provider behind `provider:` voices (part of the voice step's cache key), if any. */
  speechSource?: string;
  /** Cuts the subject out of a portrait: PNG with alpha at the source size. */
  cutout?(image: Buffer): Promise<Buffer>;
  /** Generates an image for a prompt and seed (PNG, about width×height). */
  generateImage?(
    prompt: string,
    options: { seed: number; width: number; height: number; signal: AbortSignal },
  ): Promise<Buffer>;
  /** A music generator (provider); the music step falls back to a synthesized bed when it fails. */
  music?: MusicGenerator;
  /** Changes when any model's output would: part of every cache key that used a model. */
  version: string;
}
