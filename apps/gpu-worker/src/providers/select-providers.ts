import type { WorkerEnv } from '../env';
import type { ModelRegistry } from '../models/model-registry';
import { recognizeSpeech } from '../speech/recognize-speech';
import { synthesizeSpeech, type VoiceId } from '../speech/synthesize-speech';
import { CircuitBreaker, guardProvider } from './circuit-breaker';
import { createMusicProvider } from './create-music-provider';
import { createOllamaChat } from './create-ollama-chat';
import { createOpenAiCompatibleProviders } from './create-openai-compatible-providers';
import type {
  ChatModel,
  ImageGenerator,
  MusicGenerator,
  SpeechSynthesizer,
  SpeechTranscriber,
} from './task-interfaces';

export interface TaskProviders {
  /** Absent when no chat provider is configured (nothing bundled can chat). */
  chat?: ChatModel;
  /** Absent unless a provider can make images (main.ts then tries a text-to-image user model). */
  images?: ImageGenerator;
  transcriber: SpeechTranscriber;
  synthesizer: SpeechSynthesizer;
  /** Absent unless MUSIC_PROVIDER_URL is set; renders synthesize a music bed then. */
  music?: MusicGenerator;
  /** The circuit breaker of each configured remote provider, by role. */
  breakers: Partial<Record<ProviderRole, CircuitBreaker>>;
}

export type ProviderRole = 'chat' | 'images' | 'transcriber' | 'synthesizer' | 'music';
/** The calls of each task interface that reach a provider (what a breaker guards). */
const REMOTE_CALLS = {
  chat: ['complete', 'completeJson'],
  images: ['generate'],
  transcriber: ['transcribe'],
  synthesizer: ['synthesize'],
  music: ['generate'],
} as const satisfies Record<ProviderRole, readonly string[]>;

/** PocketSphinx, bundled: what transcribes when no provider is configured (or asked for). */
export const localTranscriber: SpeechTranscriber = localTranscriberAt();

/** PocketSphinx run from `program` (POCKETSPHINX_BIN; default on PATH). */
export function localTranscriberAt(program?: string): SpeechTranscriber {
  return {
    source: 'pocketsphinx (bundled)',
    bundled: true,
    transcribe: (file, options) => recognizeSpeech(file, { ...options, ...(program ? { program } : {}) }),
  };
}

const localSynthesizer: SpeechSynthesizer = {
  source: 'festival/flite/espeak-ng (bundled)',
  bundled: true,
  async synthesize(text, outFile, options = {}) {
    const out = await synthesizeSpeech(text, outFile, {
      voice: options.voice as VoiceId | undefined,
      signal: options.signal,
    });
    return { durationSec: out.durationSec };
  },
};

/**
 * Picks the implementation of each task from the environment. Remote providers are off by default:
 * `OPENAI_BASE_URL` switches chat, images, transcription and speech to an OpenAI-compatible server;
 * `OLLAMA_BASE_URL` switches chat to Ollama (preferred over OpenAI for chat when both are set, as
 * it is the local one); `MUSIC_PROVIDER_URL` adds a music generator. Each remote provider goes
 * through a circuit breaker (`PROVIDER_BREAKER_FAILURES` faults in a row pause it for
 * `PROVIDER_BREAKER_OPEN_SEC`: calls fail at once, and renders take their offline path without
 * waiting for timeouts). Remote providers are added to the registry's report as `remote`, with
 * their breaker's state (`unavailable` while paused, with the reason).
 */
export function selectProviders(
  env: Pick<
    WorkerEnv,
    | 'OPENAI_BASE_URL'
    | 'OPENAI_API_KEY'
    | 'OPENAI_CHAT_MODEL'
    | 'OPENAI_IMAGE_MODEL'
    | 'OPENAI_TRANSCRIBE_MODEL'
    | 'OPENAI_SPEECH_MODEL'
    | 'OLLAMA_BASE_URL'
    | 'OLLAMA_CHAT_MODEL'
    | 'MUSIC_PROVIDER_URL'
    | 'MUSIC_PROVIDER_API_KEY'
    | 'PROVIDER_TIMEOUT_MS'
  > &
    Partial<Pick<WorkerEnv, 'PROVIDER_BREAKER_FAILURES' | 'PROVIDER_BREAKER_OPEN_SEC'>>,
  registry?: ModelRegistry,
): TaskProviders {
  const providers: TaskProviders = {
    transcriber: localTranscriber,
    synthesizer: localSynthesizer,
    breakers: {},
  };
  if (env.OPENAI_BASE_URL) {
    const openai = createOpenAiCompatibleProviders({
      baseUrl: env.OPENAI_BASE_URL,
      apiKey: env.OPENAI_API_KEY,
      chatModel: env.OPENAI_CHAT_MODEL,
      imageModel: env.OPENAI_IMAGE_MODEL,
      transcribeModel: env.OPENAI_TRANSCRIBE_MODEL,
      speechModel: env.OPENAI_SPEECH_MODEL,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
    });
    Object.assign(providers, openai);
  }
  if (env.OLLAMA_BASE_URL)
    providers.chat = createOllamaChat({
      baseUrl: env.OLLAMA_BASE_URL,
      model: env.OLLAMA_CHAT_MODEL,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
    });
  if (env.MUSIC_PROVIDER_URL)
    providers.music = createMusicProvider({
      url: env.MUSIC_PROVIDER_URL,
      apiKey: env.MUSIC_PROVIDER_API_KEY,
      timeoutMs: env.PROVIDER_TIMEOUT_MS,
    });
  const breakerOptions = {
    failures: env.PROVIDER_BREAKER_FAILURES,
    openMs: env.PROVIDER_BREAKER_OPEN_SEC === undefined ? undefined : env.PROVIDER_BREAKER_OPEN_SEC * 1000,
  };
  for (const role of Object.keys(REMOTE_CALLS) as ProviderRole[]) {
    const impl = providers[role];
    if (!impl || impl.bundled) continue;
    const breaker = new CircuitBreaker(impl.source, breakerOptions);
    providers.breakers[role] = breaker;
    // biome-ignore lint/suspicious/noExplicitAny: one assignment for five interfaces, each guarded on its own calls
    (providers as any)[role] = guardProvider(impl, REMOTE_CALLS[role] as never, breaker);
  }
  if (registry) {
    const remote = [
      ['chat', providers.chat, 'chat'],
      ['images', providers.images, 'text-to-image'],
      ['transcriber', providers.transcriber, 'speech-recognition'],
      ['synthesizer', providers.synthesizer, 'speech-synthesis'],
      ['music', providers.music, 'text-to-music'],
    ] as const;
    for (const [role, impl, task] of remote) {
      if (!impl || impl.bundled) continue;
      const breaker = providers.breakers[role];
      registry.registerExternal({
        name: `provider-${role}`,
        task,
        version: impl.source,
        license: 'provider terms',
        source: impl.source,
        provider: 'remote',
        isWarm: () => true,
        ...(breaker ? { status: () => breaker.status() } : {}),
      });
    }
  }
  return providers;
}
