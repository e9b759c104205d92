// @vitest-environment happy-dom

import {
  type Drawing,
  type DrawingShape,
  drawingSchema,
  MAX_DRAWING_JSON_BYTES,
  MAX_DRAWING_SHAPES,
} from '@clapboard/shared/review';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { containedBox, DrawingLayer, type DrawingTool } from './drawing-layer';

/** The frame is 300 × 200 px at the page's origin. */
const W = 300;
const H = 200;
let latest: Drawing = [];

function Harness(props: { initial?: Drawing; tool?: DrawingTool | null; editable?: boolean }) {
  const [draft, setDraft] = useState<Drawing>(props.initial ?? []);
  latest = draft;
  return (
    <div className="frame">
      <DrawingLayer
        shapes={[]}
        draft={draft}
        tool={props.tool === undefined ? 'path' : props.tool}
        onDraft={props.editable === false ? undefined : setDraft}
      />
    </div>
  );
}

function mount(props: Parameters<typeof Harness>[0] = {}) {
  const view = render(<Harness {...props} />);
  const svg = view.container.querySelector('svg');
  if (svg)
    svg.getBoundingClientRect = () =>
      ({ left: 0, top: 0, right: W, bottom: H, width: W, height: H, x: 0, y: 0 }) as DOMRect;
  const at = (x: number, y: number) => ({ clientX: x, clientY: y, pointerId: 1 });
  return {
    svg,
    down: (x: number, y: number) => act(() => void fireEvent.pointerDown(svg!, at(x, y))),
    move: (x: number, y: number) => act(() => void fireEvent.pointerMove(svg!, at(x, y))),
    up: (x: number, y: number) => act(() => void fireEvent.pointerUp(svg!, at(x, y))),
  };
}

const fullNote = () => screen.queryByText('Drawing is full');
/** A pen stroke of `n` points, each with 4 decimals (16 bytes of JSON a point). */
const stroke = (n: number, seed = 0): DrawingShape => ({
  kind: 'path',
  color: '#ff3b30',
  points: Array.from({ length: n }, (_, i) => [
    (1001 + ((i + seed) % 800)) / 1e4,
    (2001 + ((i * 7 + seed) % 700)) / 1e4,
  ]),
});

/** A draft with a button that empties it (as posting or "Clear drawing" does). */
function Clearable() {
  const [draft, setDraft] = useState<Drawing>([stroke(1)]);
  latest = draft;
  return (
    <div>
      <button type="button" onClick={() => setDraft([])}>
        Clear
      </button>
      <DrawingLayer shapes={[]} draft={draft} tool="path" onDraft={setDraft} />
    </div>
  );
}

afterEach(() => {
  cleanup();
  latest = [];
});

describe('DrawingLayer keeps the draft within drawingSchema', () => {
  it('draws in 0–1 coordinates rounded to 4 decimals, clamped to the frame', () => {
    const { svg, down, move, up } = mount({ tool: 'arrow' });
    down(100, 50);
    move(1000 / 3, 400);
    up(1000 / 3, 400);
    expect(latest).toEqual([
      {
        kind: 'arrow',
        color: '#ff3b30',
        points: [
          [0.3333, 0.25],
          [1, 1],
        ],
      },
    ]);
    // The arrowhead is a marker of the overlay in the arrow's colour.
    const id = /^url\(#(.+)\)$/.exec(svg!.querySelector('line')!.getAttribute('marker-end')!)![1]!;
    expect(svg!.querySelector(`marker[id="${id}"] path`)!.getAttribute('fill')).toBe('#ff3b30');
  });

  it('the pointer going up ends the shape where it is (a last move may not have come)', () => {
    const { down, move, up } = mount({ tool: 'rect' });
    down(30, 20);
    move(60, 40);
    up(150, 100);
    expect(latest[0]!.points).toEqual([
      [0.1, 0.1],
      [0.5, 0.5],
    ]);
    // Moves after the pointer came up draw nothing.
    move(300, 200);
    expect(latest[0]!.points[1]).toEqual([0.5, 0.5]);
  });

  it('a pen stroke stops at 500 points and says the drawing is full', () => {
    const { down, move } = mount();
    down(1, 1);
    for (let i = 0; i < 520; i++) move(2 + (i % 290), 2 + ((i * 3) % 190));
    expect(latest).toHaveLength(1);
    expect(latest[0]!.points).toHaveLength(500);
    expect(drawingSchema.safeParse(latest).success).toBe(true);
    expect(fullNote()).not.toBeNull();
  });

  it(`takes no shape past ${MAX_DRAWING_SHAPES}`, () => {
    const initial: Drawing = Array.from({ length: MAX_DRAWING_SHAPES }, () => ({
      kind: 'rect' as const,
      color: '#ff3b30',
      points: [
        [0.1, 0.1],
        [0.2, 0.2],
      ] as [number, number][],
    }));
    const { down, move, up } = mount({ initial, tool: 'rect' });
    expect(fullNote()).toBeNull();
    down(10, 10);
    move(50, 50);
    up(50, 50);
    expect(latest).toHaveLength(MAX_DRAWING_SHAPES);
    expect(latest).toEqual(initial);
    expect(fullNote()).not.toBeNull();
  });

  it(`stops a stroke where the drawing's JSON would pass ${MAX_DRAWING_JSON_BYTES / 1024} KiB`, () => {
    // Six full strokes take about 47 KiB: the seventh gets only a few dozen points.
    const initial = Array.from({ length: 6 }, (_, i) => stroke(500, i * 13));
    expect(JSON.stringify(initial).length).toBeGreaterThan(MAX_DRAWING_JSON_BYTES - 2000);
    expect(drawingSchema.safeParse(initial).success).toBe(true);
    const { down, move, up } = mount({ initial });
    down(3, 3);
    for (let i = 0; i < 300; i++) move(4 + (i % 290), 4 + ((i * 7) % 190));
    up(5, 5);
    expect(latest).toHaveLength(7);
    const added = latest[6]!.points.length;
    expect(added).toBeGreaterThan(1);
    expect(added).toBeLessThan(300);
    expect(JSON.stringify(latest).length).toBeLessThanOrEqual(MAX_DRAWING_JSON_BYTES);
    expect(drawingSchema.safeParse(latest).success).toBe(true);
    expect(fullNote()).not.toBeNull();

    // Nothing more goes in: not another stroke either.
    const before = latest;
    down(100, 100);
    move(120, 120);
    expect(latest).toBe(before);
  });

  it('the note goes when the draft is cleared, and a new shape fits again', () => {
    const view = render(<Clearable />);
    const svg = view.container.querySelector('svg')!;
    svg.getBoundingClientRect = () => ({ left: 0, top: 0, width: W, height: H }) as DOMRect;
    act(() => void fireEvent.pointerDown(svg, { clientX: 0, clientY: 0, pointerId: 1 }));
    for (let i = 0; i < 510; i++)
      act(() => void fireEvent.pointerMove(svg, { clientX: (i % 299) + 1, clientY: i % 199, pointerId: 1 }));
    act(() => void fireEvent.pointerUp(svg, { pointerId: 1 }));
    expect(latest[1]!.points).toHaveLength(500);
    expect(fullNote()).not.toBeNull();
    act(() => void fireEvent.click(screen.getByRole('button', { name: 'Clear' })));
    expect(fullNote()).toBeNull();
    act(() => void fireEvent.pointerDown(svg, { clientX: 30, clientY: 20, pointerId: 1 }));
    expect(latest).toEqual([{ kind: 'path', color: '#ff3b30', points: [[0.1, 0.1]] }]);
    expect(fullNote()).toBeNull();
  });

  it('without a tool (a viewer) the pointer draws nothing', () => {
    const shown = [stroke(3)];
    const view = render(<DrawingLayer shapes={shown} />);
    const svg = view.container.querySelector('svg')!;
    expect(svg.getAttribute('data-editing')).toBe('false');
    expect(view.container.querySelectorAll('polyline')).toHaveLength(1);
    fireEvent.pointerDown(svg, { clientX: 10, clientY: 10, pointerId: 1 });
    expect(view.container.querySelectorAll('polyline')).toHaveLength(1);
    cleanup();
    // With nothing to show and no tool there is no overlay at all.
    expect(render(<DrawingLayer shapes={[]} />).container.querySelector('svg')).toBeNull();
  });
});

describe('containedBox', () => {
  it('centres a picture shown contained, with bars on the sides it does not fill', () => {
    // A portrait 180×320 video in a 640×360 player: pillarboxed.
    expect(containedBox(640, 360, 180, 320)).toEqual({ left: 218.75, top: 0, width: 202.5, height: 360 });
    // A wide one in a tall element: letterboxed.
    expect(containedBox(300, 300, 1920, 1080)).toEqual({ left: 0, top: 65.625, width: 300, height: 168.75 });
    expect(containedBox(640, 360, 1280, 720)).toEqual({ left: 0, top: 0, width: 640, height: 360 });
    // Until the video's size is known there is no box.
    expect(containedBox(640, 360, 0, 0)).toBeNull();
  });
});
