import { ASPECT_RATIOS, frameSize } from '@clapboard/shared/document';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { composeFrame, fitFrame, wrapText } from './compose-frame';

/** Mean absolute difference of two same-size images, per channel value (0–255). */
async function meanDiff(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([sharp(a).raw().toBuffer(), sharp(b).raw().toBuffer()]);
  let total = 0;
  for (let i = 0; i < x.length; i++) total += Math.abs(x[i]! - y[i]!);
  return total / x.length;
}

describe('composed storyboard frames', () => {
  it('are exactly the output size for every aspect ratio', async () => {
    for (const aspect of ASPECT_RATIOS) {
      const { width, height } = frameSize('480p', aspect);
      const png = await composeFrame({
        width,
        height,
        shot: 'medium',
        look: { setting: 'EXT', timeOfDay: 'NIGHT' },
        heading: 'EXT. PIER - NIGHT',
        caption: 'Mara waits on the pier',
        characters: [{ name: 'MARA' }, { name: 'JONAS' }],
      });
      const meta = await sharp(png).metadata();
      expect([meta.width, meta.height], aspect).toEqual([width, height]);
    }
  });

  it('night exteriors are darker than day interiors', async () => {
    const mean = async (look: { setting: 'INT' | 'EXT'; timeOfDay: string }) => {
      const png = await composeFrame({
        width: 320,
        height: 180,
        shot: 'wide',
        look,
        heading: '',
        caption: '',
        characters: [],
      });
      const { channels } = await sharp(png).stats();
      return channels.slice(0, 3).reduce((s, c) => s + c.mean, 0) / 3;
    };
    expect(await mean({ setting: 'EXT', timeOfDay: 'NIGHT' })).toBeLessThan(
      (await mean({ setting: 'INT', timeOfDay: 'DAY' })) - 50,
    );
  });

  it('neighbouring seeds give clearly different pictures of the same scene, and a seed always the same one', async () => {
    const frame = (seed: number, setting: 'INT' | 'EXT') =>
      composeFrame({
        width: 320,
        height: 180,
        shot: 'medium',
        look: { setting, timeOfDay: 'DAY' },
        heading: `${setting}. CABIN - DAY`,
        caption: 'Jonas pours the coffee',
        characters: [{ name: 'MARA' }, { name: 'JONAS' }],
        seed,
      });
    for (const setting of ['INT', 'EXT'] as const) {
      const [a, b, c] = await Promise.all([frame(41, setting), frame(42, setting), frame(43, setting)]);
      expect(await meanDiff(a, b), setting).toBeGreaterThan(8);
      expect(await meanDiff(b, c), setting).toBeGreaterThan(8);
      expect(await meanDiff(a, c), setting).toBeGreaterThan(8);
      expect(await meanDiff(a, await frame(41, setting))).toBe(0);
    }
  });

  it('fits a finished frame to another size without cutting it: filled at the same aspect, letterboxed otherwise', async () => {
    const white = await sharp({ create: { width: 64, height: 36, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const same = await sharp(await fitFrame(white, 128, 72)).stats();
    expect(same.channels[0]!.min).toBe(255);
    const tall = await fitFrame(white, 72, 128);
    const meta = await sharp(tall).metadata();
    expect([meta.width, meta.height]).toEqual([72, 128]);
    const band = async (top: number) =>
      sharp(await sharp(tall).extract({ left: 0, top, width: 72, height: 20 }).png().toBuffer()).stats();
    const [top, middle] = [await band(0), await band(54)];
    expect(top.channels[0]!.max).toBe(0);
    expect(middle.channels[0]!.min).toBe(255);
  });

  it('wraps captions to two lines and ellipsizes the rest', () => {
    expect(wrapText('one two three four five six', 9, 2)).toEqual(['one two', 'three…']);
    expect(wrapText('short', 20, 2)).toEqual(['short']);
  });
});
