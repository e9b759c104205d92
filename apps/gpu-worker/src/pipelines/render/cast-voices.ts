import type { VoiceOption } from '@clapboard/shared/models';
import type { SpeechSynthesizer } from '../../providers/task-interfaces';
import { VOICES, type VoiceId } from '../../speech/synthesize-speech';

/** Voice ids of a speech provider are `provider:<name>`; bundled ones are VOICES keys. */
export const PROVIDER_VOICE_PREFIX = 'provider:';

/**
 * The voices an OpenAI-compatible `/audio/speech` endpoint accepts (OpenAI's own, which the
 * compatible servers, e.g. Kokoro-FastAPI and openedai-speech, map to theirs).
 */
export const PROVIDER_VOICES = ['alloy', 'echo', 'fable', 'nova', 'onyx', 'shimmer'] as const;

/** Bundled voices in the order characters get them by default: most natural first. */
const BUNDLED_ORDER: VoiceId[] = [
  'festival-kal',
  'flite-slt',
  'flite-rms',
  'flite-awb',
  'espeak-en-us',
  'espeak-en-gb',
];

/**
 * Every voice a render on this worker can speak with, in the order characters without a voice
 * of their own are given them: a configured speech provider's voices first, then the bundled ones.
 * The worker publishes this list in its models report, so the web's voice pickers offer exactly it.
 */
export function castVoices(speech?: SpeechSynthesizer): VoiceOption[] {
  const provider: VoiceOption[] = speech
    ? PROVIDER_VOICES.map((name) => ({
        id: `${PROVIDER_VOICE_PREFIX}${name}`,
        label: `${name[0]!.toUpperCase()}${name.slice(1)} (${speech.source})`,
        source: 'provider',
      }))
    : [];
  const bundled: VoiceOption[] = BUNDLED_ORDER.map((id) => ({
    id,
    label: VOICES[id].label,
    source: 'bundled',
  }));
  return [...provider, ...bundled];
}
