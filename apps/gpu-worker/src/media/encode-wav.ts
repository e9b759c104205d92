import type { PcmAudio } from './decode-audio';

/**
 * Encodes mono float PCM as a 16-bit little-endian WAV file (clipped to [-1, 1]), the format
 * FFmpeg, festival and pocketsphinx all read.
 */
export function encodeWav({ samples, sampleRate }: PcmAudio): Buffer {
  const data = samples.length * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  // A typed view is several times faster than writeInt16LE per sample (60 s is 2.9 M samples).
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++)
    pcm[i] = Math.round(Math.max(-1, Math.min(1, samples[i] ?? 0)) * 32767);
  Buffer.from(pcm.buffer).copy(buf, 44);
  return buf;
}
