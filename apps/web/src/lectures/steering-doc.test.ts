import { sampleLectureAnalysis } from '@clapboard/server/testing/sample';
import { rankCandidates } from '@clapboard/shared/highlights';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { picksToClips } from './picks-to-clips';
import { ensureSteeringMap, readLectureSteering, resetWeights, setPick, setWeight } from './steering-doc';

const LECTURE = '00000000-0000-4000-8000-000000000001';

/** Two documents that exchange every update, as two members' browsers do through the server. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'b' && Y.applyUpdate(b, u, 'a'));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'a' && Y.applyUpdate(a, u, 'b'));
  return { a, b };
}

describe('lecture steering in the project document', () => {
  it("one member's weight re-ranks the other's candidates", () => {
    const { a, b } = pair();
    ensureSteeringMap(a, LECTURE);
    const { candidates } = sampleLectureAnalysis(20).candidates;
    const order = (doc: Y.Doc) =>
      rankCandidates(candidates, readLectureSteering(doc, LECTURE).weights).map((r) => r.candidate.id);
    expect(order(b)).toEqual(['c-keyidea', 'c-summary', 'c-question']);
    setWeight(a, LECTURE, 'cue', 1);
    setWeight(a, LECTURE, 'keyphrase', 0);
    expect(order(b)).toEqual(['c-summary', 'c-question', 'c-keyidea']);
    resetWeights(b, LECTURE);
    expect(order(a)).toEqual(['c-keyidea', 'c-summary', 'c-question']);
  });

  it('keeps two members’ different weights and picks made at the same time', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    ensureSteeringMap(a, LECTURE);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    setWeight(a, LECTURE, 'cue', 0.9);
    setWeight(b, LECTURE, 'pause', 0.1);
    setPick(a, LECTURE, 'c-summary', { trimStartSec: -1, trimEndSec: 0.5 });
    setPick(b, LECTURE, 'c-keyidea', { trimStartSec: 0, trimEndSec: 99 });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (const doc of [a, b])
      expect(readLectureSteering(doc, LECTURE)).toEqual({
        weights: { cue: 0.9, pause: 0.1 },
        picks: {
          'c-summary': { trimStartSec: -1, trimEndSec: 0.5 },
          'c-keyidea': { trimStartSec: 0, trimEndSec: 30 },
        },
      });
    setPick(a, LECTURE, 'c-summary', null);
    expect(Object.keys(readLectureSteering(a, LECTURE).picks)).toEqual(['c-keyidea']);
  });

  it('turns picks into clips: trimmed, inside the lecture, at least the minimum length, in order', () => {
    const { candidates } = sampleLectureAnalysis(20).candidates;
    const clips = picksToClips(
      candidates,
      {
        'c-summary': { trimStartSec: -0.5, trimEndSec: 10 },
        'c-keyidea': { trimStartSec: -10, trimEndSec: -3 },
        gone: { trimStartSec: 0, trimEndSec: 0 },
      },
      16,
    );
    expect(clips).toEqual([
      // 4.5−10 clamps to 0, 7.7−3 = 4.7 is under the 5 s minimum: stretched to 5 s.
      { candidateId: 'c-keyidea', startSec: 0, endSec: 5 },
      // 15.7 + 10 clamps to the lecture's 16 s; 4 s is under the minimum, so it reaches back to 5 s.
      { candidateId: 'c-summary', startSec: 11, endSec: 16 },
    ]);
  });
});
