import { SCENE_DEFAULTS, type StoredDialogueLine, type StoredScene } from '@clapboard/shared/document';
import type { ScriptScene } from './extract-scenes';
import type { SceneRecord } from './scene-record';
import { containment, headingKey, headingSimilarity, jaccard, tokenSet } from './scene-similarity';

/** Fields the script owns; sync writes them on every change. */
export interface DerivedSceneFields {
  heading: string;
  dialogue: StoredDialogueLine[];
  /** Present only when the script has a `= synopsis` line in the scene. */
  synopsis?: string;
}

export type SceneSyncChange =
  | { kind: 'keep'; id: string; index: number; heading: string }
  | {
      kind: 'update';
      id: string;
      index: number;
      heading: string;
      previousHeading: string;
      fields: DerivedSceneFields;
      /** The scene had been marked removed and is back in the script. */
      revive: boolean;
    }
  | { kind: 'add'; id: string; index: number; heading: string; fields: StoredScene }
  | { kind: 'move'; id: string; heading: string; fromIndex: number; index: number }
  | { kind: 'markRemoved'; id: string; heading: string };

export interface SceneSyncPlan {
  /** One keep/update/add per script scene (in script order), then moves, then removals. */
  changes: SceneSyncChange[];
  /** Ids of the live scenes in script order, after the plan is applied. */
  order: string[];
}

export interface PlanSceneSyncOptions {
  /** Makes ids for new scenes. Default: `globalThis.crypto.randomUUID()`. */
  newId?: () => string;
  /** Minimum similarity (0–1) for a non-exact match. Default 0.5. */
  threshold?: number;
}

const DEFAULT_THRESHOLD = 0.5;
/** A split half must take at least this share of its tokens from the original scene. */
const SPLIT_CONTAINMENT = 0.6;

/** The dialogue lines a scene map stores. */
export function storedDialogue(scene: ScriptScene): StoredDialogueLine[] {
  return scene.dialogue.map((l) => ({
    character: l.character,
    text: l.text,
    parenthetical: l.parenthetical,
    extension: l.extension,
  }));
}

function contentOf(dialogue: StoredDialogueLine[], synopsis: string, action: string[] = []): Set<string> {
  return tokenSet([...dialogue.map((l) => `${l.character} ${l.text}`), synopsis, ...action].join(' '));
}

/**
 * Works out how to bring the `scenes` array in line with the script, without touching the document.
 *
 * Matching, in order:
 * 1. Exact heading (case and spacing ignored). Among several scenes with the same heading, pairs are
 *    chosen greedily by content similarity (Jaccard on the words of dialogue and synopsis), live
 *    scenes before removed ones, then by closeness of position.
 * 2. Similarity for the rest: `0.5 × heading + 0.5 × content` (heading only when neither side has
 *    content), greedy from the best pair down, accepted at `threshold` or above.
 * 3. Splits: when a similarity match (not an exact one) and an unmatched neighbour both take most of
 *    their words (≥ 60 %) from the same old scene, the half with more words keeps the id. A split
 *    whose halves both keep the old heading is settled in step 1, where the larger half has the
 *    higher content similarity. An unchanged heading therefore always keeps its id.
 * Unmatched live scenes are marked removed; unmatched removed ones stay as they are; a removed scene
 * that matches again is revived. Moves are the fewest that restore script order (the longest run
 * already in order stays put).
 */
export function planSceneSync(
  script: ScriptScene[],
  existing: SceneRecord[],
  options: PlanSceneSyncOptions = {},
): SceneSyncPlan {
  const newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  const scriptContent = script.map((s) => contentOf(storedDialogue(s), s.synopsis));
  const existingContent = existing.map((e) => contentOf(e.dialogue, e.synopsis));
  const match = new Array<number>(script.length).fill(-1);
  const taken = new Set<number>();

  type Pair = { s: number; e: number; score: number };
  const assign = (pairs: Pair[]) => {
    pairs.sort((a, b) => b.score - a.score || a.s - b.s || a.e - b.e);
    for (const p of pairs) {
      if (match[p.s] !== -1 || taken.has(p.e)) continue;
      match[p.s] = p.e;
      taken.add(p.e);
    }
  };

  // 1. Exact headings.
  const byHeading = new Map<string, number[]>();
  existing.forEach((e, i) => {
    const key = headingKey(e.heading);
    const list = byHeading.get(key);
    if (list) list.push(i);
    else byHeading.set(key, [i]);
  });
  const exact: Pair[] = [];
  script.forEach((s, si) => {
    for (const ei of byHeading.get(headingKey(s.heading)) ?? []) {
      const e = existing[ei]!;
      const score =
        jaccard(scriptContent[si]!, existingContent[ei]!) +
        (e.removed ? 0 : 0.5) -
        Math.abs(e.index - si) / (10 * (existing.length + script.length + 1));
      exact.push({ s: si, e: ei, score });
    }
  });
  assign(exact);
  const exactlyMatched = new Set(match.flatMap((e, si) => (e === -1 ? [] : [si])));

  // 2. Similar headings and content.
  const similar: Pair[] = [];
  script.forEach((s, si) => {
    if (match[si] !== -1) return;
    existing.forEach((e, ei) => {
      if (taken.has(ei)) return;
      const h = headingSimilarity(s.heading, e.heading);
      const bothEmpty = scriptContent[si]!.size === 0 && existingContent[ei]!.size === 0;
      const score = bothEmpty ? h : 0.5 * h + 0.5 * jaccard(scriptContent[si]!, existingContent[ei]!);
      if (score >= threshold) similar.push({ s: si, e: ei, score: score + (e.removed ? 0 : 0.01) });
    });
  });
  assign(similar);

  // 3. Splits: give the id to the larger half. An exact heading match is never taken away, so a
  // scene whose heading is unchanged always keeps its id.
  for (let si = 0; si < script.length; si++) {
    const ei = match[si]!;
    if (ei === -1 || exactlyMatched.has(si)) continue;
    for (const ni of [si - 1, si + 1]) {
      if (ni < 0 || ni >= script.length || match[ni] !== -1) continue;
      const original = existingContent[ei]!;
      const mine = scriptContent[si]!;
      const neighbour = scriptContent[ni]!;
      if (
        neighbour.size > mine.size &&
        containment(neighbour, original) >= SPLIT_CONTAINMENT &&
        containment(mine, original) >= SPLIT_CONTAINMENT
      ) {
        match[ni] = ei;
        match[si] = -1;
        break;
      }
    }
  }

  const changes: SceneSyncChange[] = [];
  const order: string[] = [];
  const matchedExisting: { id: string; heading: string; from: number; to: number }[] = [];
  script.forEach((s, si) => {
    const ei = match[si]!;
    const fields: DerivedSceneFields = { heading: s.heading, dialogue: storedDialogue(s) };
    if (s.synopsis) fields.synopsis = s.synopsis;
    if (ei === -1) {
      const id = newId();
      order.push(id);
      changes.push({
        kind: 'add',
        id,
        index: si,
        heading: s.heading,
        fields: {
          ...SCENE_DEFAULTS,
          id,
          heading: s.heading,
          synopsis: s.synopsis,
          dialogue: fields.dialogue,
          durationSec: s.durationSec,
        },
      });
      return;
    }
    const e = existing[ei]!;
    order.push(e.id);
    matchedExisting.push({ id: e.id, heading: s.heading, from: e.index, to: si });
    const same =
      !e.removed &&
      e.heading === fields.heading &&
      (fields.synopsis === undefined || fields.synopsis === e.synopsis) &&
      JSON.stringify(e.dialogue) === JSON.stringify(fields.dialogue);
    changes.push(
      same
        ? { kind: 'keep', id: e.id, index: si, heading: s.heading }
        : {
            kind: 'update',
            id: e.id,
            index: si,
            heading: s.heading,
            previousHeading: e.heading,
            fields,
            revive: e.removed,
          },
    );
  });

  const stay = longestIncreasingRun(matchedExisting.map((m) => m.from));
  matchedExisting.forEach((m, i) => {
    if (!stay.has(i))
      changes.push({ kind: 'move', id: m.id, heading: m.heading, fromIndex: m.from, index: m.to });
  });
  existing.forEach((e, ei) => {
    if (!e.removed && !match.includes(ei)) {
      changes.push({ kind: 'markRemoved', id: e.id, heading: e.heading });
    }
  });
  return { changes, order };
}

/** Indices (into `values`) of one longest strictly increasing subsequence, O(n log n). */
function longestIncreasingRun(values: number[]): Set<number> {
  const tails: number[] = [];
  const prev = new Array<number>(values.length).fill(-1);
  values.forEach((v, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[i] = tails[lo - 1]!;
    tails[lo] = i;
  });
  const out = new Set<number>();
  let k = tails.length > 0 ? tails[tails.length - 1]! : -1;
  while (k !== -1) {
    out.add(k);
    k = prev[k]!;
  }
  return out;
}
