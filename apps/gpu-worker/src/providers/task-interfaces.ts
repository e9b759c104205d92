import type { RecognizedWord } from '../speech/recognize-speech';

/**
 * The task interfaces pipelines call. Each has a local implementation (bundled or user model) and
 * remote adapters (OpenAI-compatible, Ollama); which one a worker uses is configuration.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatModel {
  readonly source: string;
  /** @throws ProviderError */
  complete(
    messages: ChatMessage[],
    options?: { signal?: AbortSignal; temperature?: number },
  ): Promise<string>;
}

export interface ImageGenerator {
  readonly source: string;
  /** @returns PNG bytes. @throws ProviderError */
  generate(
    prompt: string,
    options?: { width?: number; height?: number; seed?: number; signal?: AbortSignal },
  ): Promise<Buffer>;
}

export interface SpeechTranscriber {
  readonly source: string;
  /** @throws ProviderError for remote failures; ProgramError/FfmpegError locally */
  transcribe(
    file: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ text: string; words: RecognizedWord[] }>;
}

export interface SpeechSynthesizer {
  readonly source: string;
  /** Writes audio to `outFile`. @returns its duration in seconds */
  synthesize(
    text: string,
    outFile: string,
    options?: { voice?: string; signal?: AbortSignal },
  ): Promise<{ durationSec: number }>;
}
