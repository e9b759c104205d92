import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { headOf, reframePlate, reframeWindow } from './reframe';
import { matrixCanvas } from './variant-context';

const person = (x: number, y: number, width: number, height: number) => {
  const box = { x, y, width, height };
  return { box, head: headOf(box) };
};

describe('reframing a plate per aspect', () => {
  it('the matrix canvas is the tallest frame high and the widest aspect wide', () => {
    expect(matrixCanvas('480p', ['9:16', '1:1', '16:9'])).toEqual({ width: 1518, height: 854 });
    expect(matrixCanvas('720p', ['16:9'])).toEqual({ width: 1280, height: 720 });
    expect(matrixCanvas('480p', ['9:16', '4:5'])).toEqual({ width: 684, height: 854 });
  });

  it('every window is the full height, centred across on the heads, and inside the canvas', () => {
    const canvas = { width: 1518, height: 854 };
    const ana = person(1000, 200, 300, 654);
    const win = reframeWindow(canvas, { width: 480, height: 854 }, [ana]);
    expect(win).toMatchObject({ y: 0, width: 480, height: 854 });
    const headCentre = ana.head.x + ana.head.width / 2;
    expect(Math.abs(win.x + win.width / 2 - headCentre)).toBeLessThanOrEqual(1);
    // Near the edge the window stops at the canvas.
    const edge = reframeWindow(canvas, { width: 480, height: 854 }, [person(1400, 200, 118, 300)]);
    expect(edge.x + edge.width).toBe(1518);
    // Landscape takes the whole canvas, scaled down.
    expect(reframeWindow(canvas, { width: 854, height: 480 }, [ana])).toEqual({
      x: 0,
      y: 0,
      width: 1518,
      height: 854,
    });
    // Nobody in the picture: the centre.
    expect(reframeWindow(canvas, { width: 480, height: 480 }, [])).toEqual({
      x: 332,
      y: 0,
      width: 854,
      height: 854,
    });
  });

  it('two people who do not fit side by side: the first speaker stays in view', () => {
    const canvas = { width: 1518, height: 854 };
    const first = person(100, 200, 260, 654);
    const second = person(1150, 200, 260, 654);
    const win = reframeWindow(canvas, { width: 480, height: 854 }, [first, second]);
    expect(win.x).toBeLessThanOrEqual(first.head.x);
    expect(win.x + win.width).toBeGreaterThanOrEqual(first.head.x + first.head.width);
    // Side by side in a square window, both are kept.
    const close = [person(500, 200, 200, 654), person(800, 200, 200, 654)];
    const square = reframeWindow(canvas, { width: 480, height: 480 }, close);
    for (const p of close) {
      expect(square.x).toBeLessThanOrEqual(p.head.x);
      expect(square.x + square.width).toBeGreaterThanOrEqual(p.head.x + p.head.width);
    }
  });

  it('a reframed plate is the output size, the subject where the window put it', async () => {
    // A white canvas with a red block (the "person") on its right; the vertical frame must show red.
    const plate = await sharp({ create: { width: 1518, height: 854, channels: 3, background: '#ffffff' } })
      .composite([
        {
          input: await sharp({ create: { width: 200, height: 400, channels: 3, background: '#ff0000' } })
            .png()
            .toBuffer(),
          left: 1200,
          top: 300,
        },
      ])
      .png()
      .toBuffer();
    const value = {
      sha256: 'x',
      width: 1518,
      height: 854,
      subjects: [person(1200, 300, 200, 400)],
      textBaked: false,
      warnings: [],
    };
    const png = await reframePlate(plate, value, { width: 480, height: 854 }, { heading: '', caption: '' });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([480, 854]);
    const at = (x: number, y: number) => [
      ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
    ];
    expect(at(240, 500)).toEqual([255, 0, 0]);
    expect(at(5, 500)).toEqual([255, 255, 255]);
  });
});
