import type { VoiceOption } from '@clapboard/shared/models';
import { describe, expect, it } from 'vitest';
import { voiceHint } from '../components/voice-select';
import { offeredVoices } from './offered-voices';

const voice = (id: string, available: boolean, reason: string | null = null): VoiceOption => ({
  id,
  label: `Label ${id}`,
  source: 'bundled',
  gender: null,
  available,
  reason,
});
const NO_FESTIVAL =
  'festival not installed: apt-get install festival festvox-kallpc16k (no program "festival" on PATH)';

describe('offeredVoices', () => {
  it('offers a voice only when some live worker can speak it; lists the rest with the reason', () => {
    const { offered, unavailable } = offeredVoices([
      {
        voices: [
          voice('festival-kal', false, NO_FESTIVAL),
          voice('flite-slt', true),
          voice('flite-rms', false, 'x'),
        ],
      },
      // A second worker with flite installed can speak rms: offered.
      { voices: [voice('flite-rms', true), voice('espeak-en-us', true)] },
    ]);
    expect(offered.map((v) => v.id)).toEqual(['flite-slt', 'flite-rms', 'espeak-en-us']);
    expect(unavailable).toEqual([{ id: 'festival-kal', label: 'Label festival-kal', reason: NO_FESTIVAL }]);
    const hint = voiceHint({ voices: offered, unavailable, status: 'ready', error: null });
    expect(hint).toBe(`Not offered: Label festival-kal (${NO_FESTIVAL}).`);
  });

  it('a report from a worker older than the smoke runs (no `available`) counts as available', () => {
    const old = { id: 'festival-kal', label: 'Festival', source: 'bundled' } as VoiceOption;
    expect(offeredVoices([{ voices: [old] }]).offered).toEqual([old]);
  });

  it('no worker can speak any voice: nothing offered, and the hint says why', () => {
    const { offered, unavailable } = offeredVoices([{ voices: [voice('festival-kal', false, NO_FESTIVAL)] }]);
    expect(offered).toEqual([]);
    expect(voiceHint({ voices: offered, unavailable, status: 'none', error: null })).toBe(
      `No live worker can speak a voice. Not offered: Label festival-kal (${NO_FESTIVAL}).`,
    );
  });
});
