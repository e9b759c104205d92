import { describe, expect, it } from 'vitest';
import { formatSrt, formatVtt, parseVtt } from './subtitle-files';

const cues = [
  { startSec: 0.9, endSec: 2.345, text: 'The ferry is <late> --> again.', speaker: 'MARA' },
  { startSec: 3661.5, endSec: 3662, text: 'Line one\nline two' },
];

describe('subtitle files', () => {
  it('WebVTT: header, millisecond times, voice spans, escaped text; parses back', () => {
    const vtt = formatVtt(cues);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    expect(vtt).toContain('00:00:00.900 --> 00:00:02.345\n<v MARA>The ferry is &lt;late&gt; -&gt; again.');
    expect(vtt).toContain('01:01:01.500 --> 01:01:02.000\nLine one line two');
    expect(parseVtt(vtt).map((c) => [c.startSec, c.endSec, c.speaker])).toEqual([
      [0.9, 2.345, 'MARA'],
      [3661.5, 3662, undefined],
    ]);
  });

  it('SRT: numbered cues, comma decimals, speaker prefix', () => {
    expect(formatSrt(cues)).toBe(
      '1\n00:00:00,900 --> 00:00:02,345\nMARA: The ferry is <late> -> again.\n\n2\n01:01:01,500 --> 01:01:02,000\nLine one line two\n',
    );
  });
});
