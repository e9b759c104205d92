import { describe, expect, it } from 'vitest';
import { parseLoudnormJson } from '../../media/loudnorm';
import { assScript, clipWords, phraseCues, phrases } from './clip-captions';
import {
  clipFilterGraph,
  cropPath,
  type FaceSample,
  faceRegion,
  sendcmdScript,
  smoothTrack,
} from './clip-geometry';

const words = (text: string, start: number, step = 0.4) =>
  text
    .split(' ')
    .map((word, i) => ({ word, startSec: start + i * step, endSec: start + i * step + step * 0.8 }));

describe('clip captions', () => {
  it('takes the words whose middle is inside the clip, timed from its start', () => {
    const all = words('one two three four five', 10);
    const got = clipWords(all, 10.5, 11.5);
    // 'two' starts 0.1 s before the clip but is mostly in it; 'five' is heard after it.
    expect(got.map((w) => w.word)).toEqual(['two', 'three', 'four']);
    expect(got[0]!.startSec).toBe(0);
    expect(got[1]!.startSec).toBeCloseTo(0.3, 5);
    expect(got[2]!.endSec).toBeCloseTo(1.0, 5);
  });

  it('breaks captions at sentence ends, pauses and two lines of the aspect, never overlapping', () => {
    const ws = [
      ...words('Heat always flows.', 0),
      ...words('The key idea is that energy spreads out over time', 1.5),
      ...words('after a pause', 7),
    ];
    const list = phrases(ws, '9:16', 9);
    const text = list.map((p) => p.words.map((w) => w.word).join(' '));
    expect(text[0]).toBe('Heat always flows.');
    expect(text.at(-1)).toBe('after a pause');
    for (const t of text) expect(t.length).toBeLessThanOrEqual(36);
    expect(text.join(' ')).toBe(ws.map((w) => w.word).join(' '));
    for (let i = 1; i < list.length; i++)
      expect(list[i]!.startSec).toBeGreaterThanOrEqual(list[i - 1]!.endSec);
    expect(list.at(-1)!.endSec).toBeLessThanOrEqual(9);
    // No caption stays up longer than 3.2 s of speech.
    for (const p of list) expect(p.words.at(-1)!.endSec - p.startSec).toBeLessThanOrEqual(3.2);
    expect(phraseCues(list)[0]).toEqual({ startSec: 0, endSec: list[0]!.endSec, text: 'Heat always flows.' });
  });

  it('writes ASS with the output size, safe margin and word-by-word karaoke timing', () => {
    const list = phrases(words('Why {does} heat\\move', 1), '9:16', 5);
    const ass = assScript(list, { width: 720, height: 1280, aspect: '9:16' });
    expect(ass).toContain('PlayResX: 720');
    expect(ass).toContain('PlayResY: 1280');
    // Bottom centre, 20 % of the height above the bottom (vertical players' buttons live there).
    expect(ass).toMatch(/Style: Caption,DejaVu Sans,54,.*,2,50,50,256,1/);
    const dialogue = ass.split('\n').find((l) => l.startsWith('Dialogue:'))!;
    expect(dialogue).toContain('0:00:01.00,');
    expect([...dialogue.matchAll(/\\k(\d+)/g)].map((m) => Number(m[1]))).toEqual([40, 40, 32]);
    // Markup in spoken words is neutralised.
    expect(dialogue).toContain('does');
    expect(dialogue).not.toContain('{does}');
    expect(dialogue).toContain('heat/move');
  });
});

describe('speaker tracking geometry', () => {
  const box = (cx: number, cy = 200, size = 80) => ({
    x: cx - size / 2,
    y: cy - size / 2,
    width: size,
    height: size,
  });

  it('fills frames without a face from the nearest one and smooths jitter without lag', () => {
    expect(smoothTrack([{ t: 0, box: null }])).toBeNull();
    const samples: FaceSample[] = Array.from({ length: 20 }, (_, i) => ({
      t: i * 0.5,
      box: i === 5 ? null : box(400 + (i % 2 ? 30 : -30)),
    }));
    const track = smoothTrack(samples)!;
    expect(track.faceHeight).toBe(80);
    const xs = track.points.map((p) => p.cx);
    const spread = (a: number[]) => Math.max(...a) - Math.min(...a);
    expect(spread(xs.slice(3, 17))).toBeLessThan(
      spread(samples.map((s) => (s.box ? s.box.x + 40 : 400))) / 2,
    );
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(400, -1);
    // A steady face gives a steady crop.
    const still = smoothTrack([0, 0.5, 1].map((t) => ({ t, box: box(300) })))!;
    expect(still.points.map((p) => p.cx)).toEqual([300, 300, 300]);
  });

  it('crops around the face with the asked ratio, inside the frame, and moves linearly between samples', () => {
    const source = { width: 960, height: 540 };
    const track = smoothTrack([
      { t: 0, box: box(100) },
      { t: 1, box: box(900) },
    ])!;
    const path = cropPath(track, source, 9 / 16);
    expect(path.width / path.height).toBeCloseTo(9 / 16, 1);
    expect(path.height).toBeCloseTo(80 / 0.3, -1);
    for (const k of path.keys) {
      expect(k.x).toBeGreaterThanOrEqual(0);
      expect(k.x + path.width).toBeLessThanOrEqual(960);
      expect(k.y + path.height).toBeLessThanOrEqual(540);
    }
    const script = sendcmdScript('crop@speaker', path);
    const [first] = script.split('\n');
    expect(first).toMatch(
      /^0\.000 crop@speaker x '\d+\+\(\d+\)\*\(t-0\.000\)\/1\.000', crop@speaker y '\d+';$/,
    );
    // A full-frame crop never exceeds the frame, even for a face larger than a third of it.
    const big = cropPath(smoothTrack([{ t: 0, box: box(480, 270, 400) }])!, source, 16 / 9);
    expect([big.width, big.height]).toEqual([960, 540]);
  });

  it('looks for the face around the analysis boxes, or everywhere without one', () => {
    expect(faceRegion([], { width: 960, height: 540 })).toBeNull();
    expect(faceRegion([{ x: 700, y: 300, width: 60, height: 60 }], { width: 960, height: 540 })).toEqual({
      x: 610,
      y: 210,
      width: 240,
      height: 240,
    });
  });

  it('builds each layout, and falls back where the picture lacks what it needs', () => {
    const base = {
      source: { width: 960, height: 540 },
      slide: { x: 20, y: 20, width: 600, height: 500 },
      track: smoothTrack([{ t: 0, box: box(700, 300, 60) }]),
      sendcmdFile: '/tmp/x:y.cmd',
      assFile: null,
    };
    const speaker = clipFilterGraph({ ...base, aspect: '9:16', layout: 'speaker' });
    expect(speaker.layoutUsed).toBe('speaker');
    expect(speaker.graph).toContain("sendcmd=f='/tmp/x\\:y.cmd'");
    expect(speaker.graph).toContain('scale=720:1280');
    const split = clipFilterGraph({ ...base, aspect: '9:16', layout: 'split' });
    expect(split.graph).toContain('vstack');
    expect(split.graph).toContain('crop=600:500:20:20');
    expect(clipFilterGraph({ ...base, aspect: '16:9', layout: 'split' }).graph).toContain('hstack');
    const slide = clipFilterGraph({ ...base, aspect: '1:1', layout: 'slide', assFile: '/tmp/c.ass' });
    expect(slide).toMatchObject({ sendcmd: null, layoutUsed: 'slide' });
    expect(slide.graph).toMatch(/pad=720:720.*ass=filename='\/tmp\/c.ass'\[v\]$/);
    // No face: the slide. No slide: the speaker alone.
    expect(clipFilterGraph({ ...base, track: null, aspect: '9:16', layout: 'speaker' }).layoutUsed).toBe(
      'slide',
    );
    expect(clipFilterGraph({ ...base, slide: null, aspect: '9:16', layout: 'split' }).layoutUsed).toBe(
      'speaker',
    );
  });
});

it('reads the measurement loudnorm prints', () => {
  const stderr = `[Parsed_loudnorm_0 @ 0x1]\n{\n "input_i" : "-21.81",\n "input_tp" : "-17.68",\n "input_lra" : "0.00",\n "input_thresh" : "-31.81",\n "output_i" : "-13.97",\n "target_offset" : "-0.03"\n}\n`;
  expect(parseLoudnormJson(stderr)).toEqual({
    inputI: -21.81,
    inputTp: -17.68,
    inputLra: 0,
    inputThresh: -31.81,
    targetOffset: -0.03,
  });
  expect(parseLoudnormJson('{ "input_i" : "-inf" }')).toBeNull();
});
