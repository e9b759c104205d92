import * as Y from 'yjs';
import type { CastGender } from './cast-gender';
import { readScenes } from './scene-record';

/** One character of a project's cast, as renders see it. */
export interface CastMember {
  /** Upper-cased and trimmed: the name renders look the character up by. */
  name: string;
  /** The character's key in the `characters` map (any case); null while they only speak. */
  key: string | null;
  /** Asset id of the portrait renders cut out; null when none is set. */
  portraitAssetId: string | null;
  /** Voice id chosen for the character; '' for automatic (the scene's, else one handed out). */
  voice: string;
  /**
   * Gender set on the cast entry; null when not set (renders then read it from the description or
   * the script's introduction, see `castGender`). Automatic voices match it.
   */
  gender: CastGender | null;
  description: string;
  /** Dialogue lines in the storyboard's shown scenes. */
  lines: number;
  /** How many shown scenes they speak in. */
  scenes: number;
}

/** The document key of the cast (DOC_KEYS.characters in @clapboard/shared/document). */
export const CHARACTERS_KEY = 'characters';

/** The cast map of a project document: name → Y.Map (or a plain object written by older code). */
export function charactersMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap<unknown>(CHARACTERS_KEY);
}

/** A cast name as renders compare it. */
export function castName(name: string): string {
  return name.trim().toUpperCase();
}

/**
 * The key of `name`'s entry in the `characters` map: the exact upper-cased key when there is one,
 * else the first key equal to it ignoring case, else null.
 */
export function findCharacterKey(doc: Y.Doc, name: string): string | null {
  const wanted = castName(name);
  const map = charactersMap(doc);
  if (map.has(wanted)) return wanted;
  for (const key of map.keys()) if (castName(key) === wanted) return key;
  return null;
}

function fieldsOf(value: unknown): Record<string, unknown> {
  if (value instanceof Y.Map) return value.toJSON() as Record<string, unknown>;
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * The cast the render works with: every character in the `characters` map plus everyone who
 * speaks in a shown (not removed) scene, one entry per upper-cased name. Speakers come first, in
 * the order of their first line; characters who do not speak follow, by name.
 */
export function readCast(doc: Y.Doc): CastMember[] {
  const byName = new Map<string, CastMember>();
  const entry = (name: string) => {
    let member = byName.get(name);
    if (!member) {
      member = {
        name,
        key: null,
        portraitAssetId: null,
        voice: '',
        gender: null,
        description: '',
        lines: 0,
        scenes: 0,
      };
      byName.set(name, member);
    }
    return member;
  };
  for (const scene of readScenes(doc)) {
    if (scene.removed) continue;
    const here = new Set<string>();
    for (const line of scene.dialogue) {
      const name = castName(String(line?.character ?? ''));
      if (!name) continue;
      entry(name).lines++;
      here.add(name);
    }
    for (const name of here) entry(name).scenes++;
  }
  const speakers = byName.size;
  const map = charactersMap(doc);
  for (const key of map.keys()) {
    const name = castName(key);
    if (!name) continue;
    const member = entry(name);
    if (member.key !== null) continue; // a second key for the same name: the first one found wins
    member.key = findCharacterKey(doc, name) ?? key;
    const fields = fieldsOf(map.get(member.key));
    member.portraitAssetId =
      typeof fields.portraitAssetId === 'string' ? fields.portraitAssetId || null : null;
    member.voice = typeof fields.voice === 'string' ? fields.voice : '';
    member.gender = fields.gender === 'female' || fields.gender === 'male' ? fields.gender : null;
    member.description = typeof fields.description === 'string' ? fields.description : '';
  }
  const all = [...byName.values()];
  return [...all.slice(0, speakers), ...all.slice(speakers).sort((a, b) => a.name.localeCompare(b.name))];
}
