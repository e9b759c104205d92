import { SCENE_DEFAULTS, SCENE_USER_FIELDS } from '@clapboard/shared/document';
import * as Y from 'yjs';
import { extractScenes } from './extract-scenes';
import { parseFountain } from './parse-fountain';
import { storedDialogue } from './plan-scene-sync';
import { scenesArray } from './scene-record';

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
 * Folds duplicates that concurrent syncs leave behind, deterministically, so every peer that runs it
 * on the same merged state makes the same edits and the document converges:
 *
 * 1. the same id twice (two peers moved the same scene): the first occurrence stays;
 * 2. more live scenes with the same heading and dialogue than the script has scenes like that (two
 *    peers added the same new scene under different ids): the ones with the most user edits stay,
 *    ties to the smallest id.
 *
 * A dropped copy's user fields fill the survivor's empty ones first. All in one transaction.
 *
 * @returns the number of scene maps deleted
 */
export function dedupeScenes(doc: Y.Doc, origin?: unknown): number {
  const scenes = scenesArray(doc);
  const maps = scenes.toArray().filter((m): m is Y.Map<unknown> => m instanceof Y.Map);
  const doomed = new Set<Y.Map<unknown>>();
  const merge = (survivor: Y.Map<unknown>, copy: Y.Map<unknown>) => {
    for (const key of SCENE_USER_FIELDS) {
      const value = copy.get(key);
      if (isEmpty(key, survivor.get(key)) && !isEmpty(key, value)) survivor.set(key, value);
    }
  };

  doc.transact(() => {
    const firstById = new Map<string, Y.Map<unknown>>();
    for (const map of maps) {
      const id = map.get('id');
      if (typeof id !== 'string') continue;
      const first = firstById.get(id);
      if (!first) firstById.set(id, map);
      else {
        merge(first, map);
        doomed.add(map);
      }
    }

    const wanted = new Map<string, number>();
    for (const scene of extractScenes(parseFountain(doc.getText('script').toString()))) {
      const key = JSON.stringify([scene.heading, storedDialogue(scene)]);
      wanted.set(key, (wanted.get(key) ?? 0) + 1);
    }
    const groups = new Map<string, Y.Map<unknown>[]>();
    for (const map of maps) {
      if (doomed.has(map) || map.get('removed') === true) continue;
      const key = contentKey(map);
      const group = groups.get(key);
      if (group) group.push(map);
      else groups.set(key, [map]);
    }
    for (const [key, group] of groups) {
      const keep = wanted.get(key) ?? 0;
      if (keep === 0 || group.length <= keep) continue;
      group.sort((a, b) => effort(b) - effort(a) || String(a.get('id')).localeCompare(String(b.get('id'))));
      for (const extra of group.slice(keep)) {
        merge(group[0]!, extra);
        doomed.add(extra);
      }
    }

    if (doomed.size === 0) return;
    for (let i = scenes.length - 1; i >= 0; i--) if (doomed.has(scenes.get(i))) scenes.delete(i, 1);
  }, origin);
  return doomed.size;
}
