import { SCENE_DEFAULTS, SCENE_USER_FIELDS } from '@clapboard/shared/document';
import type * as Y from 'yjs';
import { extractScenes } from './extract-scenes';
import { parseFountain } from './parse-fountain';
import { storedDialogue } from './plan-scene-sync';
import { deleteScene, sceneEntries, sceneOrder } from './scene-record';

function isEmpty(key: string, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  return (SCENE_DEFAULTS as Record<string, unknown>)[key] === value;
}

/** How much a person has put into a scene: the number of user fields away from their defaults. */
function effort(map: Y.Map<unknown>): number {
  return SCENE_USER_FIELDS.filter((k) => k !== 'durationSec' && k !== 'synopsis' && !isEmpty(k, map.get(k)))
    .length;
}

function contentKey(map: Y.Map<unknown>): string {
  return JSON.stringify([map.get('heading'), map.get('dialogue') ?? []]);
}

/**
 * Folds duplicates that concurrent edits leave behind, deterministically, so every peer that runs it
 * on the same merged state makes the same edits and the document converges:
 *
 * 1. the same id twice in `sceneOrder` (two peers moved the same scene), or an id whose data is gone:
 *    the later places are dropped (readers already show the first; the scene's data is one map and
 *    is never touched by this);
 * 2. more live scenes with the same heading and dialogue than the script has scenes like that (two
 *    peers added the same new scene under different ids): the ones with the most user edits stay,
 *    ties to the smallest id.
 *
 * A dropped copy's user fields fill the survivor's empty ones first. All in one transaction.
 *
 * @returns the number of scenes deleted (rule 2)
 */
export function dedupeScenes(doc: Y.Doc, origin?: unknown): number {
  const entries = sceneEntries(doc);
  const doomed = new Set<string>();
  const merge = (survivor: Y.Map<unknown>, copy: Y.Map<unknown>) => {
    for (const key of SCENE_USER_FIELDS) {
      const value = copy.get(key);
      if (isEmpty(key, survivor.get(key)) && !isEmpty(key, value)) survivor.set(key, value);
    }
  };

  doc.transact(() => {
    const order = sceneOrder(doc);
    const shown = new Set(entries.map((e) => e.id));
    const seen = new Set<string>();
    for (let i = 0; i < order.length; ) {
      const id = order.get(i);
      if (!shown.has(id) || seen.has(id)) order.delete(i, 1);
      else {
        seen.add(id);
        i++;
      }
    }

    const wanted = new Map<string, number>();
    for (const scene of extractScenes(parseFountain(doc.getText('script').toString()))) {
      const key = JSON.stringify([scene.heading, storedDialogue(scene)]);
      wanted.set(key, (wanted.get(key) ?? 0) + 1);
    }
    const groups = new Map<string, { id: string; map: Y.Map<unknown> }[]>();
    for (const entry of entries) {
      if (entry.map.get('removed') === true) continue;
      const key = contentKey(entry.map);
      const group = groups.get(key);
      if (group) group.push(entry);
      else groups.set(key, [entry]);
    }
    for (const [key, group] of groups) {
      const keep = wanted.get(key) ?? 0;
      if (keep === 0 || group.length <= keep) continue;
      group.sort((a, b) => effort(b.map) - effort(a.map) || a.id.localeCompare(b.id));
      for (const extra of group.slice(keep)) {
        merge(group[0]!.map, extra.map);
        doomed.add(extra.id);
      }
    }
    for (const id of doomed) deleteScene(doc, id);
  }, origin);
  return doomed.size;
}
