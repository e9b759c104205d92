import { open } from 'node:fs/promises';

/** Sample rate and length of a PCM WAV file, from its header; null when it is not one. */
export async function wavInfo(file: string): Promise<{ sampleRate: number; durationSec: number } | null> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 4096));
    await handle.read(head, 0, head.length, 0);
    if (
      head.length < 44 ||
      head.toString('ascii', 0, 4) !== 'RIFF' ||
      head.toString('ascii', 8, 12) !== 'WAVE'
    )
      return null;
    let at = 12;
    let byteRate = 0;
    let sampleRate = 0;
    while (at + 8 <= head.length) {
      const id = head.toString('ascii', at, at + 4);
      const chunk = head.readUInt32LE(at + 4);
      if (id === 'fmt ' && at + 16 <= head.length) {
        if (head.readUInt16LE(at + 8) !== 1) return null; // not integer PCM
        sampleRate = head.readUInt32LE(at + 12);
        byteRate = head.readUInt32LE(at + 16);
      }
      if (id === 'data') {
        if (!byteRate || !sampleRate) return null;
        // Writers that stream may leave the size at 0 or 0xFFFFFFFF: trust the file's length then.
        const data = chunk === 0 || chunk === 0xffffffff ? size - at - 8 : Math.min(chunk, size - at - 8);
        return { sampleRate, durationSec: data / byteRate };
      }
      at += 8 + chunk + (chunk % 2);
    }
    return null;
  } finally {
    await handle.close();
  }
}
