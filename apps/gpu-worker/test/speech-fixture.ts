import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import { decodeAudio } from '../src/media/decode-audio';
import { synthesizeSpeech } from '../src/speech/synthesize-speech';

export interface SpeechFixture {
  file: string;
  /** Where each sentence's audible speech begins and ends, in seconds. */
  truth: Array<{ startSec: number; endSec: number }>;
  sentences: string[];
}

/** First and last sample louder than -34 dBFS: festival writes digital silence around speech. */
function audibleBounds(samples: Float32Array, rate: number): { start: number; end: number } {
  let first = 0;
  let last = samples.length - 1;
  while (first < samples.length && Math.abs(samples[first]!) < 0.02) first++;
  while (last > 0 && Math.abs(samples[last]!) < 0.02) last--;
  return { start: first / rate, end: (last + 1) / rate };
}

/**
 * Festival speaks each sentence; FFmpeg's concat filter joins them with known silences between.
 * Ground truth per sentence = offset of its clip + the clip's audible bounds.
 */
export async function buildSpeechFixture(
  dir: string,
  sentences: string[],
  gapsSec: number[],
): Promise<SpeechFixture> {
  const clips: string[] = [];
  for (const [i, text] of sentences.entries()) {
    const file = join(dir, `sentence-${i}.wav`);
    await synthesizeSpeech(text, file, { voice: 'festival-kal' });
    clips.push(file);
  }
  const truth: SpeechFixture['truth'] = [];
  let offset = gapsSec[0]!;
  for (const [i, clip] of clips.entries()) {
    const pcm = await decodeAudio(clip);
    const { start, end } = audibleBounds(pcm.samples, pcm.sampleRate);
    truth.push({ startSec: offset + start, endSec: offset + end });
    offset += pcm.samples.length / pcm.sampleRate + gapsSec[i + 1]!;
  }
  // inputs: silences (lavfi anullsrc, trimmed) interleaved with clips, then concat.
  const args: string[] = ['-y'];
  const labels: string[] = [];
  let n = 0;
  gapsSec.forEach((gap, i) => {
    args.push('-f', 'lavfi', '-t', gap.toFixed(3), '-i', 'anullsrc=r=16000:cl=mono');
    labels.push(`[${n++}:a]`);
    if (clips[i]) {
      args.push('-i', clips[i]);
      labels.push(`[${n++}:a]`);
    }
  });
  const file = join(dir, 'speech-with-gaps.wav');
  const norm = labels.map(
    (l, i) => `${l}aresample=16000,aformat=sample_fmts=s16:channel_layouts=mono[a${i}]`,
  );
  args.push(
    '-filter_complex',
    `${norm.join(';')};${labels.map((_, i) => `[a${i}]`).join('')}concat=n=${labels.length}:v=0:a=1[out]`,
    '-map',
    '[out]',
    file,
  );
  await runFfmpeg(args);
  return { file, truth, sentences };
}
