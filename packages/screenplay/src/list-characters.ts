import type { ScriptScene } from './extract-scenes';
import { countWords } from './reading-pace';

export interface CharacterSummary {
  name: string;
  /** Spoken lines (one per run of dialogue under a parenthetical), see `DialogueLine`. */
  lines: number;
  words: number;
  /** Indices of the scenes where the character speaks. */
  scenes: number[];
}

/**
 * The cast of a script from its scenes, most lines first (ties by first appearance). Names are the
 * cue names, so `STEEL (V.O.)` and `STEEL` are one character.
 */
export function listCharacters(scenes: ScriptScene[]): CharacterSummary[] {
  const byName = new Map<string, CharacterSummary & { first: number }>();
  let order = 0;
  for (const scene of scenes) {
    for (const line of scene.dialogue) {
      let entry = byName.get(line.character);
      if (!entry) {
        entry = { name: line.character, lines: 0, words: 0, scenes: [], first: order++ };
        byName.set(line.character, entry);
      }
      entry.lines++;
      entry.words += countWords(line.text);
      if (entry.scenes.at(-1) !== scene.index) entry.scenes.push(scene.index);
    }
  }
  return [...byName.values()]
    .sort((a, b) => b.lines - a.lines || a.first - b.first)
    .map(({ first: _first, ...rest }) => rest);
}
