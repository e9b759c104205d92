import { frameSize } from '@clapboard/shared/document';
import { LESSON_LAYOUTS } from '@clapboard/shared/lessons';
import { describe, expect, it } from 'vitest';
import { chapterMetadata } from './chapter-metadata';
import { captionPieces, sectionCues } from './lesson-cues';
import { lessonLayout } from './lesson-layout';
import { writeRgbToYuv420 } from './yuv';

describe('lesson layout', () => {
  it('keeps the card and slide inside every frame, apart, at even coordinates', () => {
    for (const aspect of ['16:9', '9:16', '1:1', '4:3'] as const)
      for (const layout of LESSON_LAYOUTS) {
        const { width, height } = frameSize('720p', aspect);
        const l = lessonLayout(layout, width, height);
        for (const r of [l.card, l.slide].filter((x) => x !== null)) {
          expect(r.x).toBeGreaterThanOrEqual(0);
          expect(r.y).toBeGreaterThanOrEqual(0);
          expect(r.x + r.width).toBeLessThanOrEqual(width);
          expect(r.y + r.height).toBeLessThanOrEqual(height);
          for (const v of [r.x, r.y, r.width, r.height]) expect(v % 2).toBe(0);
        }
        expect(l.card.width / l.card.height).toBeCloseTo(0.75, 1);
        if (layout === 'presenter-and-slides') {
          const s = l.slide!;
          const apart = s.x + s.width <= l.card.x || s.y + s.height <= l.card.y;
          expect(apart).toBe(true);
        }
      }
  });
});

describe('captions and chapters', () => {
  it('splits narration into sentences and long sentences into caption-sized pieces', () => {
    const long = `${'word '.repeat(40).trim()}.`;
    const pieces = captionPieces(`Hello there. How are you? ${long}`);
    expect(pieces.slice(0, 2)).toEqual(['Hello there.', 'How are you?']);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(84);
  });

  it('times cues within the section and moves boundaries to the voice\u2019s pauses', () => {
    const phones = [
      { phone: 'hh', endSec: 11 },
      { phone: 'pau', endSec: 11.6 },
      { phone: 'aa', endSec: 14 },
    ];
    const cues = sectionCues('One two three four. Five six seven.', 10, 14, phones);
    expect(cues.map((c) => c.text)).toEqual(['One two three four.', 'Five six seven.']);
    expect(cues[0]!.startSec).toBe(10);
    expect(cues[1]!.startSec).toBeCloseTo(11.3, 5);
    expect(cues[1]!.endSec).toBe(14);
  });

  it('writes chapters as FFmpeg metadata, each ending where the next starts', () => {
    const meta = chapterMetadata(
      'Fire; drills',
      [
        { title: 'Intro = start', startSec: 0 },
        { title: 'Exit', startSec: 4.25 },
      ],
      9.5,
    );
    expect(meta).toBe(
      ';FFMETADATA1\ntitle=Fire\\; drills\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=4250\ntitle=Intro \\= start\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=4250\nEND=9500\ntitle=Exit\n',
    );
  });
});

describe('writeRgbToYuv420', () => {
  it('converts colours with BT.601 limited range into the frame at an offset', () => {
    const rgb = new Uint8Array(4 * 4 * 3);
    for (let i = 0; i < 16; i++) rgb.set(i < 8 ? [255, 0, 0] : [255, 255, 255], i * 3);
    const frame = new Uint8Array((8 * 8 * 3) / 2);
    writeRgbToYuv420(rgb, 4, 4, frame, 8, 8, { x: 2, y: 2 });
    // Red: Y 82, U 90, V 240; white: Y 235, U = V = 128.
    expect(frame[2 * 8 + 2]).toBe(82);
    expect(frame[4 * 8 + 2]).toBe(235);
    expect(frame[0]).toBe(0);
    const u = 64;
    const v = 64 + 16;
    expect(frame[u + 1 * 4 + 1]).toBe(90);
    expect(frame[v + 1 * 4 + 1]).toBe(240);
    expect(frame[u + 2 * 4 + 1]).toBe(128);
  });
});
