import type { VoiceOption } from '@clapboard/shared/models';
import type { SpeechSynthesizer } from '../../providers/task-interfaces';
import { engineOfVoice, type SpeechEngines } from '../../speech/speech-engines';
import { VOICES, type VoiceId } from '../../speech/synthesize-speech';

/** Voice ids of a speech provider are `provider:<name>`; bundled ones are VOICES keys. */
export const PROVIDER_VOICE_PREFIX = 'provider:';

/**
 * The voices an OpenAI-compatible `/audio/speech` endpoint accepts (OpenAI's own, which the
 * compatible servers, e.g. Kokoro-FastAPI and openedai-speech, map to theirs), with their register
 * as OpenAI describes them (alloy is neutral).
 */
export const PROVIDER_VOICES = {
  alloy: null,
  echo: 'male',
  fable: 'male',
  nova: 'female',
  onyx: 'male',
  shimmer: 'female',
} as const satisfies Record<string, 'female' | 'male' | null>;

/** Bundled voices in the order characters get them by default: most natural first. */
const BUNDLED_ORDER: VoiceId[] = [
  'festival-kal',
  'flite-slt',
  'flite-rms',
  'flite-awb',
  'espeak-en-us',
  'espeak-en-us-f',
  'espeak-en-gb',
];

/**
 * Every voice a render on this worker can speak with, in the order characters without a voice
 * of their own are given them: a configured speech provider's voices first, then the bundled ones.
 * With `engines`, a bundled voice whose engine failed its smoke run is `available: false` with the
 * reason (without, each is taken as available). The worker publishes this list in its models
 * report; the web's voice pickers offer the available ones.
 */
export function castVoices(speech?: SpeechSynthesizer, engines?: SpeechEngines): VoiceOption[] {
  const provider: VoiceOption[] = speech
    ? Object.entries(PROVIDER_VOICES).map(([name, gender]) => ({
        id: `${PROVIDER_VOICE_PREFIX}${name}`,
        label: `${name[0]!.toUpperCase()}${name.slice(1)} (${speech.source})`,
        source: 'provider',
        gender,
        available: true,
        reason: null,
      }))
    : [];
  const bundled: VoiceOption[] = BUNDLED_ORDER.map((id) => {
    const state = engines?.state(engineOfVoice(id));
    return {
      id,
      label: VOICES[id].label,
      source: 'bundled',
      gender: VOICES[id].gender,
      available: state?.status !== 'unavailable',
      reason: state?.status === 'unavailable' ? state.reason : null,
    };
  });
  return [...provider, ...bundled];
}
