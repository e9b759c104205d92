import { type Extension, RangeSet, StateEffect, StateField } from '@codemirror/state';
import { Decoration, type DecorationSet, EditorView, GutterMarker, gutter } from '@codemirror/view';

/** A commented range of the script, in current document offsets. */
export interface CommentRange {
  from: number;
  to: number;
  /** Comments on it (threads), for the marker's title. */
  count: number;
}

/** Replaces the commented ranges shown in the gutter and highlighted in the text. */
export const setCommentRanges = StateEffect.define<CommentRange[]>();

class CommentMarker extends GutterMarker {
  constructor(readonly count: number) {
    super();
  }
  override eq(other: CommentMarker) {
    return other.count === this.count;
  }
  override toDOM() {
    const el = document.createElement('span');
    el.className = 'cm-comment-marker';
    el.textContent = '●';
    el.title = `${this.count} comment${this.count === 1 ? '' : 's'} on this line`;
    el.setAttribute('aria-label', el.title);
    return el;
  }
}

const highlight = Decoration.mark({ class: 'cm-commented' });

interface CommentState {
  markers: RangeSet<GutterMarker>;
  marks: DecorationSet;
}

const commentState = StateField.define<CommentState>({
  create: () => ({ markers: RangeSet.empty, marks: Decoration.none }),
  update(value, tr) {
    for (const effect of tr.effects) {
      if (!effect.is(setCommentRanges)) continue;
      const doc = tr.state.doc;
      const perLine = new Map<number, number>();
      const marks = [];
      for (const r of effect.value) {
        const from = Math.min(r.from, doc.length);
        const to = Math.min(Math.max(r.to, from), doc.length);
        const line = doc.lineAt(from).from;
        perLine.set(line, (perLine.get(line) ?? 0) + r.count);
        if (to > from) marks.push(highlight.range(from, to));
      }
      const lines = [...perLine.entries()].sort(([a], [b]) => a - b);
      return {
        markers: RangeSet.of(lines.map(([at, n]) => new CommentMarker(n).range(at))),
        marks: Decoration.set(marks, true),
      };
    }
    // Between refreshes, ranges move with local edits.
    return tr.docChanged
      ? { markers: value.markers.map(tr.changes), marks: value.marks.map(tr.changes) }
      : value;
  },
  provide: (f) => EditorView.decorations.from(f, (s) => s.marks),
});

/**
 * A gutter with a marker on each line where a script comment starts, and a highlight over each
 * commented range. Feed it with `setCommentRanges` whenever comments or the text change.
 */
export function commentGutter(): Extension {
  return [
    commentState,
    gutter({ class: 'cm-comment-gutter', markers: (view) => view.state.field(commentState).markers }),
  ];
}
