import type { VoiceOption } from '@clapboard/shared/models';
import { describe, expect, it } from 'vitest';
import { buildDocument, type TestProject } from '../../../test/support/render-project';
import { castVoices } from './cast-voices';
import { voiceFor } from './render-context';
import { readRenderDocument } from './render-document';

/** Each speaker's automatic voice, as the voice step hands them out. */
function voicesOf(project: TestProject, voices: readonly VoiceOption[] = castVoices()) {
  const doc = readRenderDocument('v1', buildDocument(project));
  const scene = doc.scenes[0]!;
  return Object.fromEntries(
    scene.dialogue.map((l) => [l.character, voiceFor(doc, l.character.toUpperCase(), scene, voices)]),
  );
}
const scene = (...speakers: string[]) => ({
  id: 's1',
  heading: 'INT. ROOM - DAY',
  dialogue: speakers.map((character) => ({ character, text: 'Hello.' })),
});

describe('voiceFor: automatic voices follow the gender the cast or script states', () => {
  it('without a stated gender, by place in the cast (unchanged)', () => {
    expect(voicesOf({ scenes: [scene('ANNA', 'TOM')] })).toEqual({ ANNA: 'festival-kal', TOM: 'flite-slt' });
  });

  it('from the cast entry: an explicit gender, or what the description says', () => {
    expect(
      voicesOf({
        scenes: [scene('ANNA', 'TOM', 'KIM')],
        characters: {
          ANNA: { description: 'A harbour pilot; she has seen every storm.' },
          TOM: { gender: 'male' },
          KIM: { gender: 'female' },
        },
      }),
    ).toEqual({ ANNA: 'flite-slt', TOM: 'festival-kal', KIM: 'espeak-en-us-f' });
  });

  it('from the script: the introduction "NAME (…, she/her)"', () => {
    const script = 'INT. ROOM - DAY\n\nANNA (30s, she/her) waits. TOM (40s, he/him) paces.\n';
    expect(voicesOf({ script, scenes: [scene('ANNA', 'TOM')] })).toEqual({
      ANNA: 'flite-slt',
      TOM: 'festival-kal',
    });
  });

  it('hands out only available voices, but keeps a voice chosen for a character (speaking falls back)', () => {
    const voices = castVoices().map((v) =>
      v.id.startsWith('festival') ? { ...v, available: false, reason: 'festival not installed' } : v,
    );
    const project: TestProject = {
      scenes: [scene('ANNA', 'TOM', 'SKIPPER')],
      characters: { ANNA: { gender: 'female' }, TOM: { gender: 'male' }, SKIPPER: { voice: 'festival-kal' } },
    };
    expect(voicesOf(project, voices)).toEqual({
      ANNA: 'flite-slt',
      TOM: 'flite-rms',
      SKIPPER: 'festival-kal',
    });
  });
});
