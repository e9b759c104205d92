import { liveDrawingSchema, projectEventSchema } from '@clapboard/shared/events';
import type { Drawing, DrawingShape } from '@clapboard/shared/review';
import { drawingSchema } from '@clapboard/shared/review';
import { useEffect, useId, useRef, useState } from 'react';
import type { ProjectSocket } from '../lib/project-socket';

/** The tools offered: the pen (a free stroke), an arrow and a rectangle. */
export const DRAWING_TOOLS = [
  { kind: 'path', label: 'Pen' },
  { kind: 'arrow', label: 'Arrow' },
  { kind: 'rect', label: 'Rectangle' },
] as const;
export type DrawingTool = (typeof DRAWING_TOOLS)[number]['kind'];
/** Live updates while drawing go out at most this often; the last one always goes. */
const LIVE_INTERVAL_MS = 50;

/** The id of the arrowhead marker in `color` among an overlay's markers named `base`. */
const arrowheadId = (base: string, color: string) => `${base}-${color.slice(1).toLowerCase()}`;

/** A drawn shape in the 0..1 frame space of the SVG overlay (viewBox 0 0 1 1). */
export function Shape({ shape, arrowhead }: { shape: DrawingShape; arrowhead: string }) {
  const [[x1, y1] = [0, 0], [x2, y2] = [0, 0]] = shape.points;
  const stroke = { stroke: shape.color, strokeWidth: 0.006, fill: 'none' };
  switch (shape.kind) {
    case 'rect':
      return (
        <rect
          x={Math.min(x1, x2)}
          y={Math.min(y1, y2)}
          width={Math.abs(x2 - x1)}
          height={Math.abs(y2 - y1)}
          {...stroke}
        />
      );
    case 'ellipse':
      return (
        <ellipse
          cx={(x1 + x2) / 2}
          cy={(y1 + y2) / 2}
          rx={Math.abs(x2 - x1) / 2}
          ry={Math.abs(y2 - y1) / 2}
          {...stroke}
        />
      );
    case 'path':
      return <polyline points={shape.points.map((p) => p.join(',')).join(' ')} {...stroke} />;
    default:
      return (
        <line
          x1={x1}
          y1={y1}
          x2={x2}
          y2={y2}
          {...stroke}
          markerEnd={shape.kind === 'arrow' ? `url(#${arrowheadId(arrowhead, shape.color)})` : undefined}
        />
      );
  }
}

/** Two frame keys name the same storyboard frame or video (a video's time aside). */
const sameFrame = (a: string, b: string) => a.split('@')[0] === b.split('@')[0];

/** A coordinate kept within the frame and rounded to 4 decimals (a long pen stroke stays small). */
export const clampUnit = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 10_000) / 10_000;

/** Whether the server would take this drawing: at most 50 shapes, 500 points a stroke, 48 KiB of JSON. */
export const drawingFits = (d: Drawing) => drawingSchema.safeParse(d).success;

/**
 * The tool buttons over a frame (pen, arrow, rectangle; pressing the picked one again puts it
 * away) and, with a draft, a button that clears it. Shown only to members who may comment.
 */
export function DrawingToolbar(props: {
  tool: DrawingTool | null;
  onTool: (tool: DrawingTool | null) => void;
  draft: Drawing;
  onClear: () => void;
}) {
  return (
    <div className="row drawing-tools" role="toolbar" aria-label="Drawing tools">
      {DRAWING_TOOLS.map((t) => (
        <button
          type="button"
          key={t.kind}
          className="ghost"
          aria-pressed={props.tool === t.kind}
          onClick={() => props.onTool(props.tool === t.kind ? null : t.kind)}
        >
          {t.label}
        </button>
      ))}
      {props.draft.length > 0 && (
        <button type="button" className="ghost" onClick={props.onClear}>
          Clear drawing
        </button>
      )}
    </div>
  );
}

/**
 * The SVG over a frame: the shapes given (a selected comment's drawing, others drawing live) and,
 * with a `tool`, the author's own draft, drawn with the pointer in normalised 0–1 coordinates
 * (rounded to 4 decimals). The draft never grows past what `drawingSchema` accepts: a point or
 * shape that would not fit is not added, and "Drawing is full" shows instead.
 */
/** A picture's box inside its element, in CSS px from the element's top left. */
export interface PictureBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The box a `naturalWidth` × `naturalHeight` picture takes when shown contained (`object-fit:
 * contain`, a video's default) in a `width` × `height` element: centred, bars on two sides. Drawing
 * coordinates are fractions of this box, so a drawing lands on the same spot of the picture at any
 * player size and in the review PDF, which draws on the bare frame. Null until both are known.
 */
export function containedBox(
  width: number,
  height: number,
  naturalWidth: number,
  naturalHeight: number,
): PictureBox | null {
  if (!(width > 0 && height > 0 && naturalWidth > 0 && naturalHeight > 0)) return null;
  const scale = Math.min(width / naturalWidth, height / naturalHeight);
  const w = naturalWidth * scale;
  const h = naturalHeight * scale;
  return { left: (width - w) / 2, top: (height - h) / 2, width: w, height: h };
}

export function DrawingLayer(props: {
  shapes: Drawing;
  draft?: Drawing;
  tool?: DrawingTool | null;
  color?: string;
  onDraft?: (draft: Drawing) => void;
  /** Where the picture sits inside the frame (px), when it does not fill it (a letterboxed video). */
  box?: PictureBox | null;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const drawingNow = useRef(false);
  const arrowhead = `arrowhead-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const [full, setFull] = useState(false);
  const draft = props.draft ?? [];
  // The draft as last handed on: several pointer events can arrive before the next render.
  const latest = useRef(draft);
  latest.current = draft;
  const at = (e: React.PointerEvent): [number, number] => {
    const r = svg.current!.getBoundingClientRect();
    return [clampUnit((e.clientX - r.left) / r.width), clampUnit((e.clientY - r.top) / r.height)];
  };
  const editing = !!props.tool && !!props.onDraft;
  /** Hands `next` on when it fits; otherwise keeps the draft as it is and says it is full. */
  const offer = (next: Drawing): boolean => {
    if (!drawingFits(next)) {
      setFull(true);
      return false;
    }
    props.onDraft!(next);
    latest.current = next;
    return true;
  };
  const onDown = (e: React.PointerEvent) => {
    if (!editing) return;
    const p = at(e);
    const kind = props.tool!;
    const shape: DrawingShape = {
      kind,
      points: kind === 'path' ? [p] : [p, p],
      color: props.color ?? '#ff3b30',
    };
    if (!offer([...latest.current, shape])) return;
    setFull(false);
    svg.current!.setPointerCapture?.(e.pointerId);
    drawingNow.current = true;
  };
  const onMove = (e: React.PointerEvent) => {
    const draft = latest.current;
    if (!editing || !drawingNow.current || draft.length === 0) return;
    const last = draft.at(-1)!;
    const p = at(e);
    const prev = last.points.at(-1)!;
    if (last.kind === 'path' && prev[0] === p[0] && prev[1] === p[1]) return;
    const points: [number, number][] = last.kind === 'path' ? [...last.points, p] : [last.points[0]!, p];
    // A stroke that cannot grow ends here: the pointer has to come up and go down again.
    if (!offer([...draft.slice(0, -1), { ...last, points }]) && last.kind === 'path')
      drawingNow.current = false;
  };
  // The pointer's last position counts too (moves may be coalesced or dropped before it).
  const onUp = (e: React.PointerEvent) => {
    onMove(e);
    drawingNow.current = false;
  };
  const onCancel = () => {
    drawingNow.current = false;
  };
  const all = [...props.shapes, ...draft];
  if (all.length === 0 && !editing) return null;
  return (
    <>
      <svg
        ref={svg}
        className="drawing"
        style={props.box ? { ...props.box, right: 'auto', bottom: 'auto' } : undefined}
        data-editing={editing}
        viewBox="0 0 1 1"
        preserveAspectRatio="none"
        aria-label="Drawing on the frame"
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onCancel}
      >
        <defs>
          {/* One arrowhead per colour: a marker's fill cannot follow the line it ends. */}
          {[...new Set(all.filter((s) => s.kind === 'arrow').map((s) => s.color.toLowerCase()))].map((c) => (
            <marker
              key={c}
              id={arrowheadId(arrowhead, c)}
              markerWidth="6"
              markerHeight="6"
              refX="5"
              refY="3"
              orient="auto"
            >
              <path d="M0,0 L6,3 L0,6 z" fill={c} />
            </marker>
          ))}
        </defs>
        {all.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: shapes have no identity beyond their order
          <Shape key={i} shape={s} arrowhead={arrowhead} />
        ))}
      </svg>
      {editing && full && draft.length > 0 && (
        <p className="drawing-full small" role="status">
          Drawing is full
        </p>
      )}
    </>
  );
}

/**
 * Live drawing on one frame over the project socket: sends my `draft` as it changes (at most every
 * 50 ms, the latest always; `ended` once it is emptied, after posting or discarding) and returns
 * what the other members are drawing on the same frame now, by user. `frame` is the shared key
 * (`scene:<id>`, `job:<id>@<sec>`, `asset:<id>@<sec>`); for a video, a drawing at any time of the
 * same video is shown (the others may be at another time).
 */
export function useLiveDrawing(
  socket: ProjectSocket,
  projectId: string,
  frame: string,
  draft: Drawing,
): Drawing {
  const [others, setOthers] = useState<Record<string, Drawing>>({});
  const lastSent = useRef({ at: 0, empty: true });
  const pending = useRef<Drawing | null>(null);
  const raf = useRef(0);

  useEffect(() => {
    const send = (shapes: Drawing) => {
      pending.current = null;
      const input = { frame, shapes, ended: shapes.length === 0 };
      if (!liveDrawingSchema.safeParse(input).success) return;
      socket.emit('drawing:live', { type: 'drawing:live', projectId, ...input });
      lastSent.current = { at: Date.now(), empty: shapes.length === 0 };
    };
    // A draft held back by the interval goes out on a later animation frame (no timers), and only
    // while one is held back.
    const flush = () => {
      raf.current = 0;
      if (!pending.current) return;
      if (Date.now() - lastSent.current.at >= LIVE_INTERVAL_MS) send(pending.current);
      else raf.current = requestAnimationFrame(flush);
    };
    const empty = draft.length === 0;
    if (empty && lastSent.current.empty) {
      pending.current = null;
      return;
    }
    if (empty || Date.now() - lastSent.current.at >= LIVE_INTERVAL_MS) send(draft);
    else {
      pending.current = draft;
      if (!raf.current) raf.current = requestAnimationFrame(flush);
    }
  }, [socket, projectId, frame, draft]);

  // Leaving the frame (another video time, another page) ends my live drawing there for the others.
  useEffect(
    () => () => {
      cancelAnimationFrame(raf.current);
      raf.current = 0;
      pending.current = null;
      if (!lastSent.current.empty)
        socket.emit('drawing:live', { type: 'drawing:live', projectId, frame, shapes: [], ended: true });
      lastSent.current = { at: 0, empty: true };
    },
    [socket, projectId, frame],
  );

  useEffect(() => {
    const onLive = (raw: unknown) => {
      const e = projectEventSchema.safeParse(raw);
      if (!e.success || e.data.type !== 'drawing:live' || e.data.projectId !== projectId) return;
      const { userId, shapes, ended } = e.data.payload;
      if (!sameFrame(e.data.payload.frame, frame)) return;
      setOthers((o) => {
        const next = { ...o };
        if (ended) delete next[userId];
        else next[userId] = shapes;
        return next;
      });
    };
    socket.on('drawing:live', onLive);
    return () => {
      socket.off('drawing:live', onLive);
    };
  }, [socket, projectId, frame]);

  return Object.values(others).flat();
}
