import type { StoryboardDraft } from '@clapboard/shared/campaigns';
import type { Shot } from '@clapboard/shared/document';
import type { FountainNode, SourceRange } from './fountain-ast';
import { serializeFountain } from './serialize-fountain';

const NO_RANGE: SourceRange = { start: 0, end: 0, startLine: 0, endLine: 0 };

/** The storyboard fields a draft gives each scene, beyond what the script sync derives. */
export interface DraftSceneFields {
  durationSec: number;
  shot: Shot;
  imagePrompt: string;
  /** The scene's action, shown on its storyboard card. */
  synopsis: string;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Escapes what Fountain would read as inline markup (`*`, `_`, `\`, `[[` notes, `/*` boneyard), so
 * the text reads back as written (`plainText` drops the backslashes).
 */
function escapeInline(text: string): string {
  return text.replace(/[\\*_[]/g, '\\$&');
}

/** Dialogue text: one line, markup escaped, and a first character that would end the speech escaped. */
function spokenText(text: string): string {
  const escaped = escapeInline(oneLine(text));
  return /^[#=~]/.test(escaped) ? `\\${escaped}` : escaped;
}

/**
 * A storyboard draft as a Fountain script plus, per scene in order, the storyboard fields the draft
 * sets (length, shot, image prompt, synopsis). Each draft scene becomes exactly one script scene: its
 * heading (forced with `.` unless it is a natural `INT.`/`EXT.` one), its action, and one speech per
 * line under the speaker's name in upper case (brackets and `^` dropped from the name: they are
 * Fountain syntax). Text reads back verbatim through `parseFountain` + `extractScenes`, except a
 * spoken line wholly in brackets, which Fountain reads as a parenthetical. The title goes on the
 * title page.
 */
export function draftToFountain(draft: StoryboardDraft): {
  fountain: string;
  sceneFields: DraftSceneFields[];
} {
  const elements: FountainNode[] = [];
  for (const scene of draft.scenes) {
    elements.push({
      type: 'scene_heading',
      // A leading `.` is Fountain's forcing mark (and `..` is not a heading at all).
      text: escapeInline(oneLine(scene.heading).replace(/^\.+\s*/, '')) || 'SCENE',
      sceneNumber: null,
      forced: false,
      range: NO_RANGE,
    });
    // Paragraphs of the action stay paragraphs; lines inside one stay lines.
    for (const paragraph of scene.action.split(/\n\s*\n/)) {
      const text = paragraph
        .split('\n')
        .map((l) => escapeInline(l.trim()))
        .filter(Boolean)
        .join('\n');
      if (text) elements.push({ type: 'action', text, forced: false, range: NO_RANGE });
    }
    for (const line of scene.lines) {
      const character = oneLine(line.speaker.replace(/[()^]/g, ' ')).toUpperCase() || 'NARRATOR';
      elements.push({
        type: 'dialogue',
        character,
        extensions: [],
        forced: false,
        dual: false,
        parts: [{ kind: 'text', text: spokenText(line.text), range: NO_RANGE }],
        range: NO_RANGE,
      });
    }
  }
  const fountain = serializeFountain({
    titlePage: [{ key: 'Title', values: [oneLine(draft.title)], range: NO_RANGE }],
    elements,
  });
  return {
    fountain,
    sceneFields: draft.scenes.map((s) => ({
      durationSec: s.durationSec,
      shot: s.shot,
      imagePrompt: s.imagePrompt,
      synopsis: s.action.trim(),
    })),
  };
}
