import type { AudioContainer } from '../media/sniff-audio';
import type { RecognizedWord } from '../speech/recognize-speech';

/**
 * The task interfaces pipelines call. Each has a local implementation (bundled or user model) and
 * remote adapters (OpenAI-compatible, Ollama); which one a worker uses is configuration.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * A JSON Schema the answer must follow (structured output), with a name for providers that want
 * one. Keep it to what providers' constrained decoding understands: see `toProviderJsonSchema`.
 */
export interface JsonAnswerFormat {
  /** `^[a-zA-Z0-9_-]{1,64}$`, e.g. `lesson_draft`. */
  name: string;
  schema: Record<string, unknown>;
}

export interface ChatModel {
  readonly source: string;
  /** True for what ships with Clapboard (runs offline); absent for a configured provider. */
  readonly bundled?: boolean;
  /** @throws ProviderError */
  complete(
    messages: ChatMessage[],
    options?: { signal?: AbortSignal; temperature?: number },
  ): Promise<string>;
  /**
   * Asks for an answer constrained to `format` (OpenAI `response_format: json_schema`, Ollama
   * `format: <schema>`). Returns the raw text: providers differ in how closely they follow the
   * schema, so the caller parses and validates it.
   * @throws ProviderError
   */
  completeJson(
    messages: ChatMessage[],
    format: JsonAnswerFormat,
    options?: { signal?: AbortSignal; temperature?: number },
  ): Promise<string>;
}

export interface ImageGenerator {
  readonly source: string;
  /** True for what ships with Clapboard (runs offline); absent for a configured provider. */
  readonly bundled?: boolean;
  /** @returns PNG bytes. @throws ProviderError */
  generate(
    prompt: string,
    options?: { width?: number; height?: number; seed?: number; signal?: AbortSignal },
  ): Promise<Buffer>;
}

export interface SpeechTranscriber {
  readonly source: string;
  /** True for what ships with Clapboard (runs offline); absent for a configured provider. */
  readonly bundled?: boolean;
  /** @throws ProviderError for remote failures; ProgramError/FfmpegError locally */
  transcribe(
    file: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ text: string; words: RecognizedWord[] }>;
}

export interface SpeechSynthesizer {
  readonly source: string;
  /** True for what ships with Clapboard (runs offline); absent for a configured provider. */
  readonly bundled?: boolean;
  /** Writes audio to `outFile`. @returns its duration in seconds */
  synthesize(
    text: string,
    outFile: string,
    options?: { voice?: string; signal?: AbortSignal },
  ): Promise<{ durationSec: number }>;
}

/** What a music generator is asked for. */
export interface MusicRequest {
  /** Words describing the music, from the project's mood setting. */
  prompt: string;
  /** Length wanted (seconds); the render loops what it gets under a longer film. */
  durationSec: number;
  /** Same prompt and seed: the same track, where the provider honours seeds. */
  seed: number;
}

export interface MusicGenerator {
  /** The provider's identity (its endpoint): part of the music step's cache key. */
  readonly source: string;
  /** True for what ships with Clapboard (runs offline); absent for a configured provider. */
  readonly bundled?: boolean;
  /**
   * @returns the audio bytes and their container, checked by magic bytes and size only (the
   *   caller probes and decodes them). @throws ProviderError
   */
  generate(
    request: MusicRequest,
    options?: { signal?: AbortSignal },
  ): Promise<{ bytes: Buffer; container: AudioContainer }>;
}
