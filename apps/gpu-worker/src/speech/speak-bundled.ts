import { engineOfVoice, type SpeechEngines } from './speech-engines';
import { type SynthesizedSpeech, synthesizeSpeech, VOICES, type VoiceId } from './synthesize-speech';

/** The bundled eSpeak NG (WASM) voices that stand in for a voice whose engine is unavailable, by register. */
export const FALLBACK_VOICES = { male: 'espeak-en-us', female: 'espeak-en-us-f' } as const satisfies Record<
  string,
  VoiceId
>;

/** The eSpeak NG voice that stands in for `voice`: the same register (female for a female voice). */
export function fallbackVoice(voice: VoiceId): VoiceId {
  return VOICES[voice].gender === 'female' ? FALLBACK_VOICES.female : FALLBACK_VOICES.male;
}

/**
 * Speaks with a bundled voice, honestly: when its engine failed its smoke run, or fails now, the
 * eSpeak NG voice of the same register (in-process WASM, nothing to install) speaks instead and
 * `warning` says which voice, why, and what spoke, e.g. `Voice "Festival, US male (kal diphone)"
 * is unavailable on this worker: festival not installed: apt-get install festival festvox-kallpc16k
 * (no program "festival" on PATH). eSpeak NG, US English spoke instead.`
 * A failure now marks the engine unavailable (and re-checks it), so reports stop offering it.
 *
 * @throws the abort reason when `signal` aborts; RangeError for empty text; eSpeak NG's error when
 *   even it fails
 */
export async function speakBundled(
  engines: SpeechEngines,
  text: string,
  outFile: string,
  options: { voice: VoiceId; signal?: AbortSignal; phones?: boolean },
): Promise<SynthesizedSpeech & { warning?: string }> {
  const { voice, signal } = options;
  if (!VOICES[voice]) throw new RangeError(`Unknown voice "${voice}".`);
  const engine = engineOfVoice(voice);
  const run = (v: VoiceId) =>
    synthesizeSpeech(text, outFile, { voice: v, signal, phones: options.phones, programs: engines.programs });
  let why: string;
  const before = engines.state(engine);
  if (before.status === 'unavailable') {
    engines.recheckIfStale(engine);
    why = `is unavailable on this worker: ${before.reason}`;
  } else {
    try {
      return await run(voice);
    } catch (err) {
      signal?.throwIfAborted();
      if (err instanceof RangeError) throw err;
      engines.failed(engine, err);
      why = `is unavailable on this worker: ${engines.state(engine).reason}`;
    }
  }
  const stand = fallbackVoice(voice);
  if (stand === voice) throw new Error(`Voice "${VOICES[voice].label}" ${why}.`);
  const said = await run(stand);
  return { ...said, warning: `Voice "${VOICES[voice].label}" ${why}. ${VOICES[stand].label} spoke instead.` };
}
