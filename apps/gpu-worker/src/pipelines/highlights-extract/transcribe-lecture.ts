import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SpeechRegions, TimeSpan, TranscriptWord } from '@clapboard/shared/highlights';
import { inPool } from '../../jobs/in-pool';
import type { PcmAudio } from '../../media/decode-audio';
import { encodeWav } from '../../media/encode-wav';
import type { SpeechTranscriber } from '../../providers/task-interfaces';

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * Cuts a lecture into chunks of at most `maxChunkSec` that begin and end in silences (the middle
 * of the pause before the speech span that would overflow the chunk), so no word is cut. A single
 * speech span longer than the limit is cut at the limit (a VAD span that long is rare: speech
 * without a 100 ms pause for minutes). Chunks hold speech only where VAD found some.
 */
export function chunkAtSilences(regions: SpeechRegions, maxChunkSec: number): TimeSpan[] {
  const chunks: TimeSpan[] = [];
  let current: TimeSpan | null = null;
  const spans = regions.speech;
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    if (current && span.endSec - current.startSec > maxChunkSec) {
      const prev = spans[i - 1]!;
      const cut = (prev.endSec + span.startSec) / 2;
      chunks.push({ startSec: current.startSec, endSec: cut });
      current = { startSec: cut, endSec: span.endSec };
    } else if (!current) {
      const prevEnd = spans[i - 1]?.endSec ?? 0;
      current = { startSec: i === 0 ? 0 : (prevEnd + span.startSec) / 2, endSec: span.endSec };
    } else current.endSec = span.endSec;
    // A span longer than the limit on its own: hard cuts.
    while (current.endSec - current.startSec > maxChunkSec) {
      chunks.push({ startSec: current.startSec, endSec: current.startSec + maxChunkSec });
      current = { startSec: current.startSec + maxChunkSec, endSec: current.endSec };
    }
  }
  if (current) {
    const next = Math.min(regions.durationSec, current.endSec + 0.5);
    chunks.push({ startSec: current.startSec, endSec: next });
  }
  return chunks.map((c) => ({ startSec: round3(c.startSec), endSec: round3(c.endSec) }));
}

export interface TranscribeLectureOptions {
  /** Folder for the chunk WAV files. */
  dir: string;
  /** Longest chunk handed to the transcriber (seconds). */
  maxChunkSec: number;
  /** Chunks transcribed at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** Called with the share of the lecture's seconds done, 0–1. */
  onProgress?: (fraction: number) => void;
}

/**
 * Transcribes a lecture with word timings: its audio cut at silences into chunks
 * (`chunkAtSilences`), each written as 16-bit WAV and handed to `transcriber` (PocketSphinx, or an
 * OpenAI-compatible `/audio/transcriptions` endpoint), several at once; the words come back on the
 * lecture's clock, in order. Words a transcriber places outside its chunk are clamped into it.
 *
 * @throws what the transcriber throws (ProviderError, ProgramError)
 */
export async function transcribeLecture(
  audio: PcmAudio,
  regions: SpeechRegions,
  transcriber: SpeechTranscriber,
  options: TranscribeLectureOptions,
): Promise<TranscriptWord[]> {
  const chunks = chunkAtSilences(regions, options.maxChunkSec);
  const total = chunks.reduce((s, c) => s + (c.endSec - c.startSec), 0) || 1;
  const byChunk: TranscriptWord[][] = chunks.map(() => []);
  let done = 0;
  await inPool(chunks, Math.max(1, options.concurrency), async (chunk, i) => {
    options.signal?.throwIfAborted();
    const from = Math.floor(chunk.startSec * audio.sampleRate);
    const to = Math.min(audio.samples.length, Math.ceil(chunk.endSec * audio.sampleRate));
    const file = join(options.dir, `chunk-${i}.wav`);
    await writeFile(
      file,
      encodeWav({ samples: audio.samples.subarray(from, to), sampleRate: audio.sampleRate }),
    );
    const { words } = await transcriber.transcribe(file, { signal: options.signal });
    byChunk[i] = words
      .filter((w) => w.word.trim())
      .map((w) => {
        const startSec = round3(Math.min(chunk.endSec, chunk.startSec + Math.max(0, w.startSec)));
        const endSec = round3(Math.min(chunk.endSec, Math.max(startSec, chunk.startSec + w.endSec)));
        return {
          word: w.word.trim().slice(0, 100),
          startSec,
          endSec,
          confidence: Math.max(0, Math.min(1, w.confidence)),
        };
      });
    done += chunk.endSec - chunk.startSec;
    options.onProgress?.(done / total);
  });
  return byChunk.flat();
}
