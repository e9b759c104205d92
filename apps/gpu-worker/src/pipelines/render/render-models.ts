import type { MusicGenerator } from '../../providers/task-interfaces';

/**
 * What the render takes from the worker runtime: speech, matting, and image and music generators
 * when they are configured. `main.ts` wires the real ones; tests pass the same real ones.
 */
export interface RenderModels {
  /**
   * Speaks `text` with `voice` into an audio file. Throws when the engine is missing; when a
   * provider voice fails and a bundled one spoke instead, says so in `warning`.
   */
  speak(
    text: string,
    voice: string,
    outFile: string,
    signal: AbortSignal,
  ): Promise<{ warning?: string } | void>;
  /** Voice ids, handed out to characters without a voice of their own, in order. */
  voices: readonly string[];
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
