import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@clapboard/server/logger';
import { ProgramError } from '@clapboard/server/media';
import type { ModelStatus } from '@clapboard/shared/models';
import { readPcm } from '../pipelines/render/pcm-wav';
import { recognizeSpeech } from './recognize-speech';
import { DEFAULT_SPEECH_PROGRAMS, SPEECH_INSTALL_HINTS, type SpeechPrograms } from './speech-programs';
import { synthesizeEspeak } from './synthesize-espeak';
import { synthesizeSpeech, VOICES, type VoiceId } from './synthesize-speech';

/** The speech engines the worker bundles or runs, by their name in the models report. */
export const SPEECH_ENGINES = ['festival', 'flite', 'espeak-ng', 'pocketsphinx'] as const;
export type SpeechEngine = (typeof SPEECH_ENGINES)[number];

/** The engine a bundled voice needs. */
export function engineOfVoice(voice: VoiceId): SpeechEngine {
  const engine = VOICES[voice].engine;
  return engine === 'espeak' ? 'espeak-ng' : engine;
}

/** What the last smoke run of an engine found. */
export interface EngineState {
  /** `unchecked` until its first smoke run ends. */
  status: ModelStatus;
  /** Why it is unavailable, with the fix; null otherwise. */
  reason: string | null;
  /** When the last smoke run ended (ms since the epoch); null before the first. */
  checkedAt: number | null;
}

export interface SpeechEngines {
  readonly programs: SpeechPrograms;
  /**
   * Smoke-runs the engines (all of them, or those named): speaks one short sentence with each TTS
   * engine and checks the WAV is audible; transcribes a short clip with PocketSphinx. Concurrent
   * calls for an engine share its run. Never throws: failures become `unavailable` states.
   */
  check(engines?: readonly SpeechEngine[]): Promise<void>;
  state(engine: SpeechEngine): EngineState;
  /**
   * A run of `engine` failed in a job: it is unavailable with that reason at once, and re-checked
   * in the background (a passing smoke run makes it ready again).
   */
  failed(engine: SpeechEngine, err: unknown): void;
  /** Re-checks `engine` in the background when it is unavailable and was last checked over `recheckMs` ago. */
  recheckIfStale(engine: SpeechEngine): void;
}

/** The smoke run's sentence: short, but long enough that silence cannot pass for speech. */
const SMOKE_TEXT = 'Hello world, this is a test.';
/** A smoke run that takes longer than this fails (a stuck program must not hold the start-up). */
const SMOKE_TIMEOUT_MS = 30_000;
/** Peak level a spoken test sentence must reach (about −26 dBFS); TTS output peaks far above it. */
const AUDIBLE_PEAK = 0.05;
/** The voice each TTS engine is smoke-run with. */
const SMOKE_VOICE: Record<Exclude<SpeechEngine, 'pocketsphinx'>, VoiceId> = {
  festival: 'festival-kal',
  flite: 'flite-slt',
  'espeak-ng': 'espeak-en-us',
};

/** A person's reason for an engine that failed: "not installed" with the apt command when the program is missing. */
export function engineFailureReason(engine: SpeechEngine, programs: SpeechPrograms, err: unknown): string {
  const hint = engine === 'espeak-ng' ? null : SPEECH_INSTALL_HINTS[engine];
  if (err instanceof ProgramError && (err.code === 'ENOENT' || err.code === 'EACCES')) {
    const bin = engine === 'espeak-ng' ? '' : programs[engine];
    const where = bin.includes('/') ? `"${bin}"` : `"${bin}" on PATH`;
    return `${engine} not installed: ${hint} (${err.code === 'EACCES' ? 'may not run' : 'no program'} ${where})`;
  }
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').slice(0, 240);
  return `${engine} failed its test run: ${message}${hint ? ` (installed with: ${hint})` : ''}`;
}

async function audible(file: string, dir: string): Promise<number> {
  const samples = await readPcm(file, dir, { sampleRate: 16_000 });
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  if (samples.length < 1600 || peak < AUDIBLE_PEAK)
    throw new Error(
      `its test sentence came out silent (${(samples.length / 16_000).toFixed(2)} s, peak ${peak.toFixed(3)})`,
    );
  return samples.length / 16_000;
}

async function smokeRun(engine: SpeechEngine, programs: SpeechPrograms): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'clapboard-smoke-'));
  const signal = AbortSignal.timeout(SMOKE_TIMEOUT_MS);
  try {
    if (engine === 'pocketsphinx') {
      // A clip made in-process (eSpeak NG is WASM inside the worker): no file to ship or lose.
      const clip = join(dir, 'clip.wav');
      await writeFile(clip, await synthesizeEspeak(SMOKE_TEXT, 'en-us'));
      const { words } = await recognizeSpeech(clip, { signal, program: programs.pocketsphinx });
      if (!words.length) throw new Error('it heard no words in a spoken test sentence');
      return;
    }
    const file = join(dir, 'smoke.wav');
    await synthesizeSpeech(SMOKE_TEXT, file, { voice: SMOKE_VOICE[engine], signal, programs });
    await audible(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The worker's speech engines and what their smoke runs found, so reports say `ready` only for an
 * engine that really spoke (or heard) on this machine, and renders fall back from the others.
 *
 * @param options.programs where the native programs are (default: on PATH)
 * @param options.recheckMs an unavailable engine is re-checked when asked for after this long; default 60 s
 */
export function createSpeechEngines(
  options: { programs?: SpeechPrograms; log?: Logger; recheckMs?: number } = {},
): SpeechEngines {
  const programs = options.programs ?? DEFAULT_SPEECH_PROGRAMS;
  const recheckMs = options.recheckMs ?? 60_000;
  const states = new Map<SpeechEngine, EngineState>(
    SPEECH_ENGINES.map((e) => [e, { status: 'unchecked', reason: null, checkedAt: null }]),
  );
  const running = new Map<SpeechEngine, Promise<void>>();

  const checkOne = (engine: SpeechEngine): Promise<void> => {
    const pending = running.get(engine);
    if (pending) return pending;
    const run = smokeRun(engine, programs).then(
      () => {
        const was = states.get(engine)!.status;
        states.set(engine, { status: 'ready', reason: null, checkedAt: Date.now() });
        if (was === 'unavailable') options.log?.info({ engine }, 'speech engine ready again');
      },
      (err: unknown) => {
        const reason = engineFailureReason(engine, programs, err);
        states.set(engine, { status: 'unavailable', reason, checkedAt: Date.now() });
        options.log?.warn({ engine, reason }, 'speech engine unavailable');
      },
    );
    const tracked = run.finally(() => running.delete(engine));
    running.set(engine, tracked);
    return tracked;
  };

  return {
    programs,
    async check(engines = SPEECH_ENGINES) {
      // One at a time: the smoke runs are short, and a start-up on two cores should not stall.
      for (const engine of engines) await checkOne(engine);
    },
    state: (engine) => ({ ...states.get(engine)! }),
    failed(engine, err) {
      states.set(engine, {
        status: 'unavailable',
        reason: engineFailureReason(engine, programs, err),
        checkedAt: Date.now(),
      });
      void checkOne(engine);
    },
    recheckIfStale(engine) {
      const s = states.get(engine)!;
      if (s.status === 'unavailable' && Date.now() - (s.checkedAt ?? 0) > recheckMs) void checkOne(engine);
    },
  };
}

let shared: SpeechEngines | undefined;

/**
 * The process's engines with the programs on PATH, for callers not handed their own (tests, the
 * bench): created on first call, its smoke runs started then in the background.
 */
export function defaultSpeechEngines(): SpeechEngines {
  if (!shared) {
    shared = createSpeechEngines();
    void shared.check();
  }
  return shared;
}
