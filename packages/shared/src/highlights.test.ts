import { describe, expect, it } from 'vitest';
import { type Candidate, DEFAULT_SIGNAL_WEIGHTS, rankCandidates } from './highlights';

const candidate = (id: string, signals: Candidate['signals']): Candidate => ({
  id,
  startSec: 0,
  endSec: 30,
  text: id,
  topicIndex: 0,
  signals,
  reasons: [],
  llmReason: null,
});

describe('rankCandidates', () => {
  const a = candidate('a', { keyphrase: 0.9, emphasis: 0.2, cue: 0.1, structure: 0.5, pause: 0.5 });
  const b = candidate('b', { keyphrase: 0.2, emphasis: 0.3, cue: 1, structure: 0.5, pause: 0.5 });

  it('scores the weighted mean of the signals a candidate has, and its contributions add up to it', () => {
    const [first] = rankCandidates([a]);
    const w = DEFAULT_SIGNAL_WEIGHTS;
    const total = w.keyphrase + w.emphasis + w.cue + w.structure + w.pause;
    const expected =
      (100 * (w.keyphrase * 0.9 + w.emphasis * 0.2 + w.cue * 0.1 + w.structure * 0.5 + w.pause * 0.5)) /
      total;
    expect(first!.score).toBeCloseTo(expected, 1);
    expect(first!.contributions.map((c) => c.signal)).toEqual([
      'keyphrase',
      'emphasis',
      'cue',
      'structure',
      'pause',
    ]);
    expect(first!.contributions.reduce((s, c) => s + c.points, 0)).toBeCloseTo(first!.score, 1);
  });

  it('re-ranks when the team moves a weight, without touching the signals', () => {
    expect(rankCandidates([a, b], { cue: 0, keyphrase: 1 }).map((r) => r.candidate.id)).toEqual(['a', 'b']);
    expect(rankCandidates([a, b], { cue: 1, keyphrase: 0 }).map((r) => r.candidate.id)).toEqual(['b', 'a']);
    expect(rankCandidates([a, b], { cue: 1, keyphrase: 0 }).map((r) => r.rank)).toEqual([1, 2]);
  });

  it('leaves a missing signal out of the mean instead of counting it as zero, and keeps ties in order', () => {
    const judged = candidate('j', { keyphrase: 0.5, llm: 1 });
    const unjudged = candidate('u', { keyphrase: 0.5 });
    const ranked = rankCandidates([unjudged, judged]);
    expect(ranked[0]!.candidate.id).toBe('j');
    expect(ranked[1]!.score).toBe(50);
    const tie = rankCandidates([candidate('x', { cue: 0.5 }), candidate('y', { cue: 0.5 })]);
    expect(tie.map((r) => r.candidate.id)).toEqual(['x', 'y']);
    // All weights zero: nothing to rank by, every score 0.
    expect(rankCandidates([a], { keyphrase: 0, emphasis: 0, cue: 0, structure: 0, pause: 0 })[0]!.score).toBe(
      0,
    );
  });
});

describe('readSteering', () => {
  it('keeps valid weights and picks and drops the rest', async () => {
    const { readSteering } = await import('./highlights');
    const steering = readSteering({
      weights: { cue: 0.8, keyphrase: 2, emphasis: 'x', nonsense: 0.5 },
      picks: { c1000: { trimStartSec: -2 }, c2000: { trimEndSec: 99 }, c3000: {} },
    });
    expect(steering.weights).toEqual({ cue: 0.8 });
    expect(steering.picks).toEqual({
      c1000: { trimStartSec: -2, trimEndSec: 0 },
      c3000: { trimStartSec: 0, trimEndSec: 0 },
    });
    expect(readSteering(undefined)).toEqual({ weights: {}, picks: {} });
  });
});
