import { describe, expect, it } from 'vitest';
import { decodeBpeTokens } from './decode-bpe-tokens';
import { melFilterBank, WHISPER_FRAMES, whisperLogMel } from './whisper-features';

describe('Whisper log-mel features', () => {
  it('puts a 1 kHz tone in the mel band centred nearest 1 kHz, and pads to 3000 frames', () => {
    const tone = new Float32Array(16_000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16_000));
    const mel = whisperLogMel(tone);
    expect(mel).toHaveLength(80 * WHISPER_FRAMES);
    const frame = 50; // inside the tone
    const column = Array.from({ length: 80 }, (_, m) => mel[m * WHISPER_FRAMES + frame]!);
    const peak = column.indexOf(Math.max(...column));
    const filters = melFilterBank(80);
    const centreHz = (m: number) => filters[m]!.indexOf(Math.max(...filters[m]!)) * 40;
    expect(Math.abs(centreHz(peak) - 1000)).toBeLessThanOrEqual(80);
    // After the tone: padding sits at the floor (max − 8, scaled) = 2 below the peak.
    const max = Math.max(...column);
    expect(mel[10 * WHISPER_FRAMES + 2500]).toBeCloseTo(max - 2, 5);
  });

  it('refuses more than 30 s', () => {
    expect(() => whisperLogMel(new Float32Array(16_000 * 31))).toThrow(/30 s/);
  });

  it('decodes byte-level BPE with multi-byte characters', () => {
    expect(decodeBpeTokens([1, 0, 2, 99], { Ġna: 0, 'Ã¯ve': 1, x: 2, '<|en|>': 99 })).toBe('ïve nax');
  });
});
