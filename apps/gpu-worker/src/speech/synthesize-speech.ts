import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ffprobe, runProgram } from '@clapboard/server/media';
import { processTempDir } from '../jobs/scratch-root';
import { wavInfo } from '../media/wav-info';
import { parseFestivalSegments, type TimedPhone } from './festival-segments';
import { sayWithFestival } from './festival-session';
import { DEFAULT_SPEECH_PROGRAMS, SPEECH_INSTALL_HINTS, type SpeechPrograms } from './speech-programs';
import { synthesizeEspeak } from './synthesize-espeak';

/** The voices this worker can speak with, each from a package that ships it. */
export const VOICES = {
  'festival-kal': {
    engine: 'festival',
    voice: 'voice_kal_diphone',
    label: 'Festival, US male (kal diphone)',
    gender: 'male',
  },
  'flite-slt': { engine: 'flite', voice: 'slt', label: 'Flite, US female (slt)', gender: 'female' },
  'flite-rms': { engine: 'flite', voice: 'rms', label: 'Flite, US male (rms)', gender: 'male' },
  'flite-awb': { engine: 'flite', voice: 'awb', label: 'Flite, Scottish male (awb)', gender: 'male' },
  'espeak-en-us': { engine: 'espeak', voice: 'en-us', label: 'eSpeak NG, US English', gender: 'male' },
  'espeak-en-us-f': {
    engine: 'espeak',
    voice: 'en-us+f3',
    label: 'eSpeak NG, US English female',
    gender: 'female',
  },
  'espeak-en-gb': { engine: 'espeak', voice: 'en', label: 'eSpeak NG, British English', gender: 'male' },
} as const;
export type VoiceId = keyof typeof VOICES;
export const DEFAULT_VOICE: VoiceId = 'festival-kal';
/** The engine behind a bundled voice. */
export type VoiceEngine = (typeof VOICES)[VoiceId]['engine'];

export interface SynthesizedSpeech {
  file: string;
  voice: VoiceId;
  durationSec: number;
  sampleRate: number;
  /**
   * When asked for (`phones: true`) and the engine can tell: each phone and when it ends. Festival
   * sessions give them; flite, eSpeak and festival's text2wave fallback do not (callers then go
   * by the audio alone).
   */
  phones?: TimedPhone[];
}

/**
 * Speaks `text` into a WAV file. Festival (most natural) and Flite are Debian programs run without a
 * shell, with the text in a file so any characters are safe; eSpeak NG runs in WASM in-process.
 *
 * @param voice one of VOICES; default `festival-kal`
 * @param phones also return phone timings where the engine gives them (festival)
 * @param programs where festival/text2wave/flite are (default: on PATH)
 * @throws ProgramError when festival/flite are missing (apt-get install festival festvox-kallpc16k flite)
 */
export async function synthesizeSpeech(
  text: string,
  outFile: string,
  options: { voice?: VoiceId; signal?: AbortSignal; phones?: boolean; programs?: SpeechPrograms } = {},
): Promise<SynthesizedSpeech> {
  const programs = options.programs ?? DEFAULT_SPEECH_PROGRAMS;
  const voice = options.voice ?? DEFAULT_VOICE;
  const spec = VOICES[voice];
  if (!spec) throw new RangeError(`Unknown voice "${voice}"; known: ${Object.keys(VOICES).join(', ')}.`);
  const clean = text.replace(/\s+/g, ' ').trim();
  if (!clean) throw new RangeError('Nothing to say: the text is empty.');
  let phones: TimedPhone[] | undefined;
  if (spec.engine === 'espeak') {
    await writeFile(outFile, await synthesizeEspeak(clean, spec.voice));
  } else {
    const dir = await mkdtemp(join(processTempDir(), 'tts-'));
    try {
      const textFile = join(dir, 'text.txt');
      await writeFile(textFile, clean);
      if (spec.engine === 'festival') {
        // A pooled festival session first (no start-up per line); text2wave if it fails.
        const segments = options.phones ? join(dir, 'segments.lab') : undefined;
        const spoken = await sayWithFestival(
          spec.voice,
          clean,
          outFile,
          options.signal,
          segments,
          programs.festival,
        ).then(
          () => true,
          () => false,
        );
        if (spoken && segments)
          phones = parseFestivalSegments(await readFile(segments, 'utf8').catch(() => ''));
        options.signal?.throwIfAborted();
        if (!spoken)
          await runProgram(programs.text2wave, ['-o', outFile, '-eval', `(${spec.voice})`, textFile], {
            signal: options.signal,
            installHint: `Install it with "${SPEECH_INSTALL_HINTS.festival}".`,
          });
      } else
        await runProgram(programs.flite, ['-voice', spec.voice, '-f', textFile, '-o', outFile], {
          signal: options.signal,
          installHint: `Install it with "${SPEECH_INSTALL_HINTS.flite}".`,
        });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  // The engines write plain PCM WAV: its header says how long it is, without an ffprobe per line.
  const info = await wavInfo(outFile);
  const extra = phones?.length ? { phones } : {};
  if (info) return { file: outFile, voice, ...info, ...extra };
  const probe = await ffprobe(outFile);
  const audio = probe.streams.find((s) => s.codecType === 'audio');
  return {
    file: outFile,
    voice,
    durationSec: probe.durationSec ?? 0,
    sampleRate: audio?.sampleRate ?? 0,
    ...extra,
  };
}
