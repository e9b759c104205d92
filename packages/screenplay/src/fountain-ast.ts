/**
 * The typed syntax tree produced by `parseFountain`. Every node carries a `range` into the original
 * text so an editor can map a scene (or any element) back to the characters that produced it.
 */

/** Where a node came from. Offsets are UTF-16 indices into the input (end exclusive); lines are 1-based. */
export interface SourceRange {
  start: number;
  end: number;
  startLine: number;
  endLine: number;
}

/** One `Key: value` entry of the title page; indented continuation lines become extra values. */
export interface TitlePageEntry {
  key: string;
  values: string[];
  range: SourceRange;
}

export interface SceneHeadingNode {
  type: 'scene_heading';
  /** Heading text without the forcing dot and without the scene number. */
  text: string;
  sceneNumber: string | null;
  forced: boolean;
  range: SourceRange;
}

export interface ActionNode {
  type: 'action';
  /** Lines joined with `\n`; leading tabs and spaces are preserved, as the spec requires. */
  text: string;
  forced: boolean;
  range: SourceRange;
}

export interface DialoguePart {
  /** `break` is the spec's "two spaces on an otherwise blank line" inside a speech. */
  kind: 'text' | 'parenthetical' | 'lyric' | 'break';
  /** For parentheticals this includes the brackets; for lyrics it excludes the `~`. */
  text: string;
  range: SourceRange;
}

export interface DialogueNode {
  type: 'dialogue';
  /** Character name without `@`, extensions or the dual-dialogue caret. */
  character: string;
  /** Extensions without brackets, e.g. `V.O.`, `CONT'D`, `on the radio`. */
  extensions: string[];
  forced: boolean;
  /** True on the second speech of a dual-dialogue pair (the one marked with `^`). */
  dual: boolean;
  parts: DialoguePart[];
  range: SourceRange;
}

export interface TransitionNode {
  type: 'transition';
  text: string;
  forced: boolean;
  range: SourceRange;
}

export interface CenteredNode {
  type: 'centered';
  /** One entry per `> text <` line. */
  lines: string[];
  range: SourceRange;
}

export interface LyricsNode {
  type: 'lyrics';
  /** One entry per `~` line, without the tilde. */
  lines: string[];
  range: SourceRange;
}

export interface NoteNode {
  type: 'note';
  /** Text between `[[` and `]]` (may span lines). */
  text: string;
  range: SourceRange;
}

export interface BoneyardNode {
  type: 'boneyard';
  /** Text between `/*` and `*\/` (may span lines). */
  text: string;
  range: SourceRange;
}

export interface SectionNode {
  type: 'section';
  depth: number;
  text: string;
  range: SourceRange;
}

export interface SynopsisNode {
  type: 'synopsis';
  text: string;
  range: SourceRange;
}

export interface PageBreakNode {
  type: 'page_break';
  range: SourceRange;
}

export type FountainNode =
  | SceneHeadingNode
  | ActionNode
  | DialogueNode
  | TransitionNode
  | CenteredNode
  | LyricsNode
  | NoteNode
  | BoneyardNode
  | SectionNode
  | SynopsisNode
  | PageBreakNode;

export type FountainNodeType = FountainNode['type'];

export interface FountainDocument {
  titlePage: TitlePageEntry[];
  elements: FountainNode[];
}
