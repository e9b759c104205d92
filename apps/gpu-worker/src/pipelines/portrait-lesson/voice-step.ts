import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import { LESSON_TIMING, type LessonChapter } from '@clapboard/shared/lessons';
import { inPool } from '../../jobs/in-pool';
import type { StepDefinition } from '../../jobs/pipeline';
import { encodeWav } from '../../media/encode-wav';
import type { TimedPhone } from '../../speech/festival-segments';
import { speakBundled } from '../../speech/speak-bundled';
import { DEFAULT_VOICE, VOICES, type VoiceId } from '../../speech/synthesize-speech';
import { PROVIDER_VOICE_PREFIX } from '../render/cast-voices';
import { readPcm } from '../render/pcm-wav';
import { trimSilence } from '../render/speak-scene';
import { storeStepFile } from '../render/step-files';
import type { Cue } from '../render/subtitle-files';
import {
  LESSON_FPS,
  type LessonDeps,
  type LessonParams,
  loadPinnedLesson,
  sectionTitle,
} from './lesson-context';
import { sectionCues } from './lesson-cues';
import { mouthTrack } from './mouth-track';

/**
 * The narration's AAC: one voice needs no stereo, and 96 kb/s mono is transparent for speech
 * (half the encode time of the render's 160 kb/s stereo mix).
 */
export const VOICE_AAC = ['-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '96k'] as const;

/** What the voice step hands on to the picture and the assembly. */
export interface VoiceValue {
  sha256: string;
  durationSec: number;
  sampleRate: number;
  /** Each narrated section: where its speech starts and ends (seconds), in order. */
  sections: Array<{ id: string; title: string; startSec: number; endSec: number }>;
  cues: Cue[];
  chapters: LessonChapter[];
  /** The mouth's opening per frame at LESSON_FPS (0–1, three decimals). */
  mouth: number[];
  /** Whether the visemes came from phone timings (festival) or from the audio alone. */
  visemes: 'phones' | 'envelope';
  voice: string;
  warnings?: string[];
}

/**
 * The voice a lesson names, as this worker speaks it: a bundled voice id as is (`festival-kal`),
 * a bare bundled name (`kal`, the lesson's default) as its bundled voice, a provider voice as is;
 * anything else falls back to the default voice with a warning.
 */
export function lessonVoice(voice: string): { voice: string; warning?: string } {
  if (voice in VOICES || voice.startsWith(PROVIDER_VOICE_PREFIX)) return { voice };
  const bundled = (Object.keys(VOICES) as VoiceId[]).find((id) => id.endsWith(`-${voice}`));
  if (bundled) return { voice: bundled };
  return {
    voice: DEFAULT_VOICE,
    warning: `This worker has no voice "${voice}"; ${VOICES[DEFAULT_VOICE].label} spoke instead.`,
  };
}

/**
 * Voice step: each narrated section spoken with the lesson's voice (festival gives phone timings
 * too), trimmed to its audible part and laid on one track with LESSON_TIMING's pauses; from it the
 * chapters (one per section, where its speech starts), the caption cues and the mouth track
 * (visemes from the phones, shaped by the speech envelope) the animation follows.
 */
export function voiceStep(deps: LessonDeps): StepDefinition<LessonParams> {
  return {
    version: 2,
    cacheInput: async (ctx) => {
      const { content, sections } = await loadPinnedLesson(ctx);
      return {
        voice: lessonVoice(content.voice).voice,
        sections: sections.map((s, i) => ({ narration: s.narration.trim(), title: sectionTitle(s, i) })),
        fps: LESSON_FPS,
        timing: LESSON_TIMING,
      };
    },
    run: async (ctx) => {
      const { content, sections } = await loadPinnedLesson(ctx);
      const { voice, warning } = lessonVoice(content.voice);
      const warnings = new Set<string>(warning ? [warning] : []);
      ctx.report({ stage: 'speaking', progress: 2, message: `${sections.length} sections to speak` });
      // The first section fixes the track's sample rate; the rest are spoken two at a time (festival
      // keeps two sessions per voice, one per core).
      const spoken: Array<{ wav: string; phones: TimedPhone[]; rate: number }> = [];
      let done = 0;
      await inPool(sections, 2, async (section, i) => {
        ctx.signal.throwIfAborted();
        const wav = join(ctx.scratchDir, `section-${i}.wav`);
        let phones: TimedPhone[] = [];
        let sampleRate = 0;
        if (voice in VOICES) {
          const said = await speakBundled(deps.engines, section.narration, wav, {
            voice: voice as VoiceId,
            signal: ctx.signal,
            phones: true,
          });
          if (said.warning) warnings.add(said.warning);
          phones = said.phones ?? [];
          sampleRate = said.sampleRate;
        } else {
          const said = await deps.speak(section.narration, voice, wav, ctx.signal);
          if (said?.warning) warnings.add(said.warning);
        }
        spoken[i] = { wav, phones, rate: sampleRate };
        done++;
        ctx.report({
          stage: 'speaking',
          progress: 5 + (done / sections.length) * 75,
          message: `spoke section ${done} of ${sections.length}`,
        });
      });
      const rate = spoken[0]?.rate || 24_000;
      const clips: Array<{ samples: Float32Array; phones: TimedPhone[] }> = [];
      for (const said of spoken) {
        const all = await readPcm(said.wav, ctx.scratchDir, { sampleRate: rate, signal: ctx.signal });
        const samples = trimSilence(all);
        const skipped = (samples.byteOffset - all.byteOffset) / 4 / rate;
        clips.push({
          samples,
          phones: said.phones.map((p) => ({ phone: p.phone, endSec: p.endSec - skipped })),
        });
      }
      // Lay the sections on one track with their pauses; phones and cues move onto its clock.
      let at = LESSON_TIMING.leadSec;
      const placed = clips.map((c, i) => {
        const startSec = at;
        const endSec = at + c.samples.length / rate;
        at = endSec + (i < clips.length - 1 ? LESSON_TIMING.sectionGapSec : LESSON_TIMING.tailSec);
        return { startSec, endSec };
      });
      const durationSec = Math.ceil(at * LESSON_FPS) / LESSON_FPS;
      const track = new Float32Array(Math.round(durationSec * rate));
      const phones: TimedPhone[] = [];
      const cues: Cue[] = [];
      clips.forEach((c, i) => {
        const { startSec, endSec } = placed[i]!;
        track.set(
          c.samples.subarray(0, track.length - Math.round(startSec * rate)),
          Math.round(startSec * rate),
        );
        const own = c.phones
          .filter((p) => p.endSec > 0)
          .map((p) => ({ phone: p.phone, endSec: Math.min(endSec, startSec + p.endSec) }));
        phones.push({ phone: 'pau', endSec: startSec }, ...own);
        cues.push(...sectionCues(sections[i]!.narration, startSec, endSec, own));
      });
      const mouth = mouthTrack(track, rate, LESSON_FPS, phones);
      // Encoded to AAC here, once: the assembly copies it, so a preview and a final render of the
      // same narration share it (the voice step's output is reused) and the assembly stays a copy.
      const wav = join(ctx.scratchDir, 'voice.wav');
      await writeFile(wav, encodeWav({ samples: track, sampleRate: rate }));
      const file = join(ctx.scratchDir, 'voice.m4a');
      ctx.report({ stage: 'speaking', progress: 88, message: 'encoding the voice' });
      await runFfmpeg(
        ['-y', '-i', wav, '-af', `aformat=sample_rates=48000:channel_layouts=mono`, ...VOICE_AAC, file],
        {
          durationSec,
          signal: ctx.signal,
        },
      );
      const stored = await storeStepFile(ctx as never, deps.store, {
        file,
        kind: 'audio',
        mime: 'audio/mp4',
        name: 'lesson-voice.m4a',
        durationSec,
      });
      const titled = sections.map((s, i) => ({ id: s.id, title: sectionTitle(s, i), ...placed[i]! }));
      const value: VoiceValue = {
        sha256: stored.sha256,
        durationSec,
        sampleRate: rate,
        sections: titled,
        cues,
        // The first chapter starts at 0, so the lead-in belongs to it.
        chapters: titled.map((s, i) => ({
          title: s.title,
          startSec: i === 0 ? 0 : Number(s.startSec.toFixed(3)),
        })),
        mouth: Array.from(mouth, (v) => Math.round(v * 1000) / 1000),
        visemes: phones.length > sections.length ? 'phones' : 'envelope',
        voice,
        ...(warnings.size ? { warnings: [...warnings] } : {}),
      };
      ctx.report({ stage: 'voice ready', progress: 100 });
      return {
        outputs: [{ name: 'voice', assetId: stored.assetId, value }],
        ...(warnings.size ? { cacheable: false } : {}),
      };
    },
  };
}
