import { DOC_KEYS } from '@clapboard/shared/document';
import { type LectureSteering, readSteering, type Signal } from '@clapboard/shared/highlights';
import * as Y from 'yjs';

/**
 * A lecture's steering in the project Y.Doc: `highlights` → lecture id → Y.Map with `weights` (a
 * Y.Map signal → 0–1) and `picks` (a Y.Map candidate id → `{ trimStartSec, trimEndSec }`), so two
 * members moving different weights, or picking different candidates, both keep their change.
 * Every write is one transaction; the API ranks `/candidates` with the same weights.
 */

/** The `highlights` map of the project document. */
export function highlightsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(DOC_KEYS.highlights);
}

/** The lecture's steering map, or undefined while nobody has written it yet. */
export function findSteeringMap(doc: Y.Doc, lectureId: string): Y.Map<unknown> | undefined {
  const entry = highlightsMap(doc).get(lectureId);
  return entry instanceof Y.Map ? entry : undefined;
}

/** A nested Y.Map of the steering map, made on first use. */
function child(map: Y.Map<unknown>, key: 'weights' | 'picks'): Y.Map<unknown> {
  const found = map.get(key);
  if (found instanceof Y.Map) return found;
  const made = new Y.Map<unknown>();
  map.set(key, made);
  return made;
}

/**
 * The lecture's steering map with its `weights` and `picks` maps, created when missing. The
 * lecture's creator calls this at once, so two members rarely both create it (the later map would
 * win and the other's first moves would go with the losing one).
 */
export function ensureSteeringMap(doc: Y.Doc, lectureId: string): Y.Map<unknown> {
  let map = findSteeringMap(doc, lectureId);
  doc.transact(() => {
    if (!map) {
      map = new Y.Map<unknown>();
      highlightsMap(doc).set(lectureId, map);
    }
    child(map, 'weights');
    child(map, 'picks');
  });
  return map!;
}

/** The lecture's steering as the shared schema reads it (bad entries dropped). */
export function readLectureSteering(doc: Y.Doc, lectureId: string): LectureSteering {
  return readSteering(findSteeringMap(doc, lectureId)?.toJSON());
}

/** Sets one signal's weight (clamped to 0–1); everyone's ranking follows. */
export function setWeight(doc: Y.Doc, lectureId: string, signal: Signal, weight: number): void {
  doc.transact(() => {
    child(ensureSteeringMap(doc, lectureId), 'weights').set(signal, Math.min(1, Math.max(0, weight)));
  });
}

/** Forgets the team's weights: every signal weighs its default again. */
export function resetWeights(doc: Y.Doc, lectureId: string): void {
  doc.transact(() => {
    const weights = child(ensureSteeringMap(doc, lectureId), 'weights');
    for (const key of [...weights.keys()]) weights.delete(key);
  });
}

/** Largest trim either way (seconds), as `lectureSteeringSchema` allows. */
export const MAX_TRIM_SEC = 30;

/**
 * Picks a candidate (with its trim in seconds added to start and end), or unpicks it with null.
 * Trims are clamped to ±MAX_TRIM_SEC.
 */
export function setPick(
  doc: Y.Doc,
  lectureId: string,
  candidateId: string,
  pick: { trimStartSec: number; trimEndSec: number } | null,
): void {
  const clamp = (n: number) => Math.round(Math.min(MAX_TRIM_SEC, Math.max(-MAX_TRIM_SEC, n)) * 10) / 10;
  doc.transact(() => {
    const picks = child(ensureSteeringMap(doc, lectureId), 'picks');
    if (pick === null) picks.delete(candidateId);
    else
      picks.set(candidateId, { trimStartSec: clamp(pick.trimStartSec), trimEndSec: clamp(pick.trimEndSec) });
  });
}
