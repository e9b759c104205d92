import type { FountainDocument, SourceRange } from './fountain-ast';
import { plainText } from './parse-inline';
import { countWords, estimateSceneSeconds } from './reading-pace';

export type SceneSetting = 'INT' | 'EXT' | 'INT/EXT' | 'EST' | null;

/** One spoken line for the voice step: a run of dialogue under one parenthetical. */
export interface DialogueLine {
  character: string;
  /** Plain text (emphasis and notes removed); consecutive lines joined by a space. */
  text: string;
  /** Without brackets, or null. */
  parenthetical: string | null;
  /** First extension (`V.O.`, `O.S.`), or null; all of them are in `extensions`. */
  extension: string | null;
  extensions: string[];
  dual: boolean;
}

/** A scene derived from the script: everything from one heading to the next. */
export interface ScriptScene {
  /** 0-based position among the script's scenes. */
  index: number;
  heading: string;
  setting: SceneSetting;
  location: string;
  timeOfDay: string | null;
  sceneNumber: string | null;
  /** Synopsis lines (`= ...`) inside the scene, joined by a space; empty when none. */
  synopsis: string;
  /** Plain action paragraphs (also centered text and lyrics), in order. */
  action: string[];
  dialogue: DialogueLine[];
  /** Characters who speak, in order of first line. */
  characters: string[];
  dialogueWords: number;
  actionWords: number;
  /** Estimated screen time, see `reading-pace.ts`. */
  durationSec: number;
  /** From the heading to the end of the scene's last element. */
  range: SourceRange;
  headingRange: SourceRange;
}

const SETTING = /^(int\.?\/ext|ext\.?\/int|i\/e|e\/i|int|ext|est)\.?\s*/i;

/**
 * Splits a heading into setting, location and time of day: `INT. HOUSE - KITCHEN - NIGHT` gives
 * `INT`, `HOUSE - KITCHEN`, `NIGHT` (the time is what follows the last ` - `).
 */
export function parseSceneHeading(heading: string): {
  setting: SceneSetting;
  location: string;
  timeOfDay: string | null;
} {
  const m = SETTING.exec(heading);
  let setting: SceneSetting = null;
  let rest = heading;
  if (m) {
    const p = m[1]!.toUpperCase().replace('.', '');
    setting = p === 'INT' ? 'INT' : p === 'EXT' ? 'EXT' : p === 'EST' ? 'EST' : 'INT/EXT';
    rest = heading.slice(m[0].length);
  }
  const dash = rest.search(/\s+[-–—]\s+(?!.*\s[-–—]\s)/);
  if (dash < 0) return { setting, location: rest.trim(), timeOfDay: null };
  const time = rest
    .slice(dash)
    .replace(/^\s+[-–—]\s+/, '')
    .trim();
  return { setting, location: rest.slice(0, dash).trim(), timeOfDay: time || null };
}

/**
 * Derives the scenes of a parsed script. Text before the first scene heading belongs to no scene.
 * Estimates durations with `estimateSceneSeconds`.
 */
export function extractScenes(doc: FountainDocument): ScriptScene[] {
  const scenes: ScriptScene[] = [];
  let current: ScriptScene | null = null;
  for (const el of doc.elements) {
    if (el.type === 'scene_heading') {
      const heading = plainText(el.text).trim();
      current = {
        index: scenes.length,
        heading,
        ...parseSceneHeading(heading),
        sceneNumber: el.sceneNumber,
        synopsis: '',
        action: [],
        dialogue: [],
        characters: [],
        dialogueWords: 0,
        actionWords: 0,
        durationSec: 0,
        range: { ...el.range },
        headingRange: el.range,
      };
      scenes.push(current);
      continue;
    }
    if (!current) continue;
    current.range.end = el.range.end;
    current.range.endLine = el.range.endLine;
    switch (el.type) {
      case 'action':
        current.action.push(plainText(el.text).trim());
        break;
      case 'centered':
      case 'lyrics':
        current.action.push(el.lines.map(plainText).join('\n'));
        break;
      case 'synopsis':
        current.synopsis = current.synopsis ? `${current.synopsis} ${el.text}` : el.text;
        break;
      case 'dialogue': {
        if (!current.characters.includes(el.character)) current.characters.push(el.character);
        let parenthetical: string | null = null;
        let text: string[] = [];
        const flush = () => {
          if (text.length === 0) return;
          current!.dialogue.push({
            character: el.character,
            text: text.join(' '),
            parenthetical,
            extension: el.extensions[0] ?? null,
            extensions: el.extensions,
            dual: el.dual,
          });
          text = [];
          parenthetical = null;
        };
        for (const part of el.parts) {
          if (part.kind === 'parenthetical') {
            flush();
            parenthetical = plainText(part.text.slice(1, -1)).trim();
          } else if (part.kind !== 'break') {
            const t = plainText(part.text).trim();
            if (t) text.push(t);
          }
        }
        flush();
        break;
      }
      default:
        break;
    }
  }
  for (const scene of scenes) {
    scene.dialogueWords = scene.dialogue.reduce((n, l) => n + countWords(l.text), 0);
    scene.actionWords = scene.action.reduce((n, a) => n + countWords(a), 0);
    scene.durationSec = estimateSceneSeconds(scene.dialogueWords, scene.actionWords);
  }
  return scenes;
}
