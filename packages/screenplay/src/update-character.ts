import * as Y from 'yjs';
import { castName, charactersMap, findCharacterKey } from './read-cast';

/** Fields of a character the cast panel sets; null or '' clears one. */
export interface CharacterPatch {
  portraitAssetId?: string | null;
  voice?: string | null;
  description?: string | null;
  /** The character's gender, which automatic voices match; null clears it (not stated). */
  gender?: 'female' | 'male' | null;
}

/**
 * Sets fields of one character in the `characters` map, in one transaction. The entry is found by
 * name ignoring case (see findCharacterKey) or created under the upper-cased name, as a Y.Map so
 * that two people changing different fields of one character both keep their change; an entry
 * stored as a plain object is turned into a Y.Map with the same fields first. A cleared field is
 * deleted from the map (renders read a missing field as unset).
 *
 * @returns the key the character is stored under
 */
export function updateCharacter(doc: Y.Doc, name: string, patch: CharacterPatch, origin?: unknown): string {
  const key = findCharacterKey(doc, name) ?? castName(name);
  if (!key) throw new Error('A character needs a name.');
  doc.transact(() => {
    const cast = charactersMap(doc);
    let entry = cast.get(key);
    if (!(entry instanceof Y.Map)) {
      const fields = entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : {};
      entry = new Y.Map<unknown>(Object.entries(fields));
      cast.set(key, entry);
    }
    const map = entry as Y.Map<unknown>;
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (value === null || value === '') map.delete(field);
      else if (map.get(field) !== value) map.set(field, value);
    }
  }, origin);
  return key;
}
