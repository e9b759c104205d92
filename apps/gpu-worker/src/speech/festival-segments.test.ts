import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFestivalSegments } from './festival-segments';
import { closeFestivalSessions } from './festival-session';
import { synthesizeSpeech } from './synthesize-speech';

const dir = mkdtempSync(join(tmpdir(), 'clapboard-segs-'));
afterAll(() => {
  closeFestivalSessions();
  rmSync(dir, { recursive: true, force: true });
});

describe('festival phone timings', () => {
  it('parses an ESPS label file', () => {
    expect(parseFestivalSegments('separator ;\nnfields 1\n#\n0.2200 100 pau\n0.2871 100 hh\nbad\n')).toEqual([
      { phone: 'pau', endSec: 0.22 },
      { phone: 'hh', endSec: 0.2871 },
    ]);
  });

  it('festival speaks a line with its phones, which end with the audio', async () => {
    const said = await synthesizeSpeech('Hello, my name is Kal.', join(dir, 'a.wav'), { phones: true });
    const phones = said.phones!;
    expect(phones.length).toBeGreaterThan(10);
    expect(phones.map((p) => p.phone)).toContain('m');
    for (let i = 1; i < phones.length; i++)
      expect(phones[i]!.endSec).toBeGreaterThanOrEqual(phones[i - 1]!.endSec);
    expect(Math.abs(phones.at(-1)!.endSec - said.durationSec)).toBeLessThan(0.3);
  });
});
