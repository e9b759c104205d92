import {
  type Candidate,
  type HighlightsClipsPayload,
  LECTURE_LIMITS,
  type LectureSteering,
} from '@clapboard/shared/highlights';

/**
 * The clips a `highlights.clips` job renders from the team's picks: each picked candidate's span
 * with its trim applied, kept inside the lecture and `LECTURE_LIMITS.minClipSec`–`maxClipSec` long,
 * in lecture order. Picks of candidates the analysis no longer has are skipped.
 *
 * @param durationSec the lecture's length (null: unknown, only the start is clamped)
 */
export function picksToClips(
  candidates: readonly Candidate[],
  picks: LectureSteering['picks'],
  durationSec: number | null,
): HighlightsClipsPayload['clips'] {
  const end = durationSec ?? Number.POSITIVE_INFINITY;
  return (
    candidates
      .filter((c) => picks[c.id])
      .map((c) => {
        const pick = picks[c.id]!;
        let startSec = Math.max(0, c.startSec + pick.trimStartSec);
        let endSec = Math.min(end, c.endSec + pick.trimEndSec);
        if (endSec - startSec < LECTURE_LIMITS.minClipSec)
          endSec = Math.min(end, startSec + LECTURE_LIMITS.minClipSec);
        // At the lecture's end, the shortest clip reaches back instead.
        if (endSec - startSec < LECTURE_LIMITS.minClipSec)
          startSec = Math.max(0, endSec - LECTURE_LIMITS.minClipSec);
        // A long candidate trimmed outwards may pass the longest clip the server renders.
        endSec = Math.min(endSec, startSec + LECTURE_LIMITS.maxClipSec);
        return { candidateId: c.id, startSec: round(startSec), endSec: round(endSec) };
      })
      // Only a lecture shorter than the shortest clip leaves one too short: the server would refuse it.
      .filter((c) => c.endSec - c.startSec >= LECTURE_LIMITS.minClipSec - 0.01)
      .sort((a, b) => a.startSec - b.startSec)
      .slice(0, LECTURE_LIMITS.maxClipsPerJob)
  );
}

const round = (n: number) => Math.round(n * 100) / 100;
