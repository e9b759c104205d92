import { ASPECT_RATIOS, frameSize } from '@clapboard/shared/document';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { composeFrame, wrapText } from './compose-frame';

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

  it('wraps captions to two lines and ellipsizes the rest', () => {
    expect(wrapText('one two three four five six', 9, 2)).toEqual(['one two', 'three…']);
    expect(wrapText('short', 20, 2)).toEqual(['short']);
  });
});
