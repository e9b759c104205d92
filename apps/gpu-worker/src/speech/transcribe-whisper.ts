import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import type { PcmAudio } from '../media/decode-audio';
import type { UserModel } from '../models/load-user-models';
import type { ModelRegistry } from '../models/model-registry';
import { ModelInputError, runUserModel } from '../models/run-user-model';
import { decodeBpeTokens } from './decode-bpe-tokens';
import { WHISPER_FRAMES, WHISPER_SAMPLE_RATE, whisperLogMel } from './whisper-features';

const vocabCache = new Map<string, Record<string, number>>();

/**
 * Speech recognition with a user's Whisper ONNX export (the onnxruntime `WhisperBeamSearch`
 * signature: features and decoding settings in, token ids out). Audio longer than 30 s is
 * transcribed in 30 s chunks and the texts joined.
 *
 * @param options.beams beam width; default 1 (greedy)
 * @throws ModelInputError when the model is not a speech-recognition model or the audio is not 16 kHz
 */
export async function transcribeWhisper(
  registry: ModelRegistry,
  model: UserModel,
  audio: PcmAudio,
  options: { beams?: number } = {},
): Promise<{ text: string; chunks: string[] }> {
  const { manifest } = model;
  if (manifest.task !== 'speech-recognition')
    throw new ModelInputError(`"${manifest.name}" is not a speech-recognition model.`);
  if (audio.sampleRate !== WHISPER_SAMPLE_RATE)
    throw new ModelInputError(
      `Whisper needs 16 kHz audio, got ${audio.sampleRate} Hz; decode with decodeAudio().`,
    );
  const vocabFile = join(model.dir, manifest.vocab);
  let vocab = vocabCache.get(vocabFile);
  if (!vocab) {
    vocab = JSON.parse(await readFile(vocabFile, 'utf8')) as Record<string, number>;
    vocabCache.set(vocabFile, vocab);
  }
  const chunkSamples = WHISPER_SAMPLE_RATE * 30;
  const chunks: string[] = [];
  for (let start = 0; start < Math.max(1, audio.samples.length); start += chunkSamples) {
    const features = whisperLogMel(audio.samples.subarray(start, start + chunkSamples), manifest.melBins);
    const io = manifest.io;
    const int = (v: number) => new Tensor('int32', Int32Array.from([v]), [1]);
    const float = (v: number) => new Tensor('float32', Float32Array.from([v]), [1]);
    const out = await runUserModel(registry, model, {
      [io.features]: new Tensor('float32', features, [1, manifest.melBins, WHISPER_FRAMES]),
      [io.maxLength]: int(manifest.maxTokens),
      [io.minLength]: int(0),
      [io.numBeams]: int(options.beams ?? 1),
      [io.numReturnSequences]: int(1),
      [io.lengthPenalty]: float(1),
      [io.repetitionPenalty]: float(1),
    });
    const sequences = out[io.sequences]!;
    // [batch, returned sequences, length]: take the best (first) sequence.
    const length = sequences.dims.at(-1) ?? 0;
    const ids = Array.from((sequences.data as Int32Array).subarray(0, length), Number);
    chunks.push(decodeBpeTokens(ids, vocab));
  }
  return { text: chunks.filter(Boolean).join(' '), chunks };
}
