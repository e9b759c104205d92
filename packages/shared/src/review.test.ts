import { describe, expect, it } from 'vitest';
import { liveDrawingInputSchema } from './events';
import { SOCKET_MAX_MESSAGE_BYTES } from './protocol';
import {
  commentAnchorInputSchema,
  drawingSchema,
  MAX_DRAWING_JSON_BYTES,
  MAX_DRAWING_SHAPES,
} from './review';

const rect = {
  kind: 'rect',
  points: [
    [0.1, 0.1],
    [0.9, 0.5],
  ],
  color: '#ff0000',
} as const;
const pen = (n: number) => ({
  kind: 'path',
  points: Array.from({ length: n }, (_, i) => [i / n, 1 - i / n]),
  color: '#00aa00',
});

describe('drawingSchema', () => {
  it('takes pen, arrow and rectangle shapes in 0–1 coordinates', () => {
    const drawing = [
      rect,
      pen(500),
      {
        kind: 'arrow',
        points: [
          [0, 0],
          [1, 1],
        ],
        color: '#123abc',
      },
    ];
    expect(drawingSchema.parse(drawing)).toEqual(drawing);
  });
  it('bounds a drawing by its size, so any drawing it accepts fits one live message', () => {
    // 50 full pen strokes at full precision would be ~1 MB; refused with a reason a person can act on.
    const huge = Array.from({ length: MAX_DRAWING_SHAPES }, () => pen(500));
    const refused = drawingSchema.safeParse(huge);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/at most 48 KiB/);
    // The largest drawing that passes, as the `drawing:live` Socket.IO packet a client sends.
    const rounded = (n: number) => ({
      ...pen(n),
      points: pen(n).points.map(([x, y]) => [Math.round(x! * 1e4) / 1e4, Math.round(y! * 1e4) / 1e4]),
    });
    const largest: unknown[] = [];
    for (let i = 0; i < MAX_DRAWING_SHAPES; i++) {
      const next = [...largest, rounded(500)];
      if (!drawingSchema.safeParse(next).success) break;
      largest.push(rounded(500));
    }
    expect(JSON.stringify(largest).length).toBeGreaterThan(MAX_DRAWING_JSON_BYTES - 16 * 500);
    const message = {
      type: 'drawing:live',
      projectId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      frame: `job:${'0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d'}@12345.123`,
      shapes: largest,
      ended: false,
    };
    expect(liveDrawingInputSchema.safeParse(message).success).toBe(true);
    const packet = `42${JSON.stringify(['drawing:live', message])}`;
    expect(Buffer.byteLength(packet)).toBeLessThan(SOCKET_MAX_MESSAGE_BYTES);
  });

  it('refuses coordinates outside [0, 1]', () => {
    for (const p of [
      [-0.01, 0.5],
      [0.5, 1.01],
      [2, 0],
    ])
      expect(drawingSchema.safeParse([{ ...rect, points: [[0, 0], p] }]).success, String(p)).toBe(false);
  });
  it('refuses more than 500 points in a shape, more shapes than the maximum, and a rectangle of three points', () => {
    expect(drawingSchema.safeParse([pen(501)]).success).toBe(false);
    expect(drawingSchema.safeParse(Array(MAX_DRAWING_SHAPES).fill(rect)).success).toBe(true);
    expect(drawingSchema.safeParse(Array(MAX_DRAWING_SHAPES + 1).fill(rect)).success).toBe(false);
    expect(
      drawingSchema.safeParse([
        {
          ...rect,
          points: [
            [0, 0],
            [0.5, 0.5],
            [1, 1],
          ],
        },
      ]).success,
    ).toBe(false);
    expect(drawingSchema.safeParse([{ ...rect, color: 'red' }]).success).toBe(false);
  });
  it('rides on scene (storyboard frame) and media (video frame) anchors', () => {
    expect(commentAnchorInputSchema.parse({ kind: 'scene', sceneId: 's1', drawing: [rect] })).toEqual({
      kind: 'scene',
      sceneId: 's1',
      drawing: [rect],
    });
    expect(
      commentAnchorInputSchema.safeParse({
        kind: 'scene',
        sceneId: 's1',
        drawing: [
          {
            ...rect,
            points: [
              [0, 0],
              [0, 3],
            ],
          },
        ],
      }).success,
    ).toBe(false);
  });
});

describe('liveDrawingInputSchema', () => {
  const projectId = '0b6f3d1e-5a3c-4c59-9d55-0a0e7f1f5a11';
  it('names a storyboard or video frame', () => {
    for (const frame of ['scene:kitchen', `job:${projectId}@12.5`, `asset:${projectId}@0`])
      expect(
        liveDrawingInputSchema.safeParse({ projectId, frame, shapes: [rect], ended: false }).success,
        frame,
      ).toBe(true);
    for (const frame of ['kitchen', 'job:nope@1', `asset:${projectId}`, 'scene:a b'])
      expect(
        liveDrawingInputSchema.safeParse({ projectId, frame, shapes: [], ended: true }).success,
        frame,
      ).toBe(false);
  });
});
