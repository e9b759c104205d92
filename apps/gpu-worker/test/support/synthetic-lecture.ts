import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '@clapboard/server/media';
import type { LayoutKind, TimeSpan } from '@clapboard/shared/highlights';
import sharp, { type OverlayOptions } from 'sharp';
import { decodeAudio } from '../../src/media/decode-audio';
import { encodeWav } from '../../src/media/encode-wav';
import { synthesizeSpeech } from '../../src/speech/synthesize-speech';

/** A real face photo (Debian's python3-skimage): the speaker. */
export const SPEAKER_PHOTO = '/usr/lib/python3/dist-packages/skimage/data/astronaut.png';
const W = 640;
const H = 360;
const RATE = 16_000;

interface Slide {
  title: string;
  bullets: string[];
}
interface Scene {
  kind: LayoutKind;
  slide?: Slide;
  sentences: string[];
  /** A key passage the analysis should rank high (cue phrases, slide terms spoken). */
  planted?: boolean;
}

/**
 * The lecture: a slide, the speaker, a picture-in-picture key passage, a schedule slide, a slide
 * with a second key passage, the speaker again. Key passages say cue phrases and speak their
 * slide's terms; the rest is course admin that says neither.
 */
export const LECTURE_SCENES: readonly Scene[] = [
  {
    kind: 'slide',
    slide: {
      title: 'Machine Learning',
      bullets: ['Data and models', 'Training and testing', 'Course overview'],
    },
    sentences: [
      'Hello everyone and welcome back to the course.',
      'Today we will continue with the material from last week.',
      'Please make sure that your microphone is muted during the session.',
      'We will take a short break in the middle of the hour.',
      'The room stays open for questions after the session ends.',
    ],
  },
  {
    kind: 'speaker',
    sentences: [
      'Before we start I want to say a few words about the homework.',
      'Several of you sent me messages about the deadline last night.',
      'The deadline stays the same as it was announced in the first week.',
      'Please send your work by email before the end of the day.',
      'Late work loses a few points for every day that it is late.',
    ],
  },
  {
    kind: 'picture-in-picture',
    slide: { title: 'Learning Rate', bullets: ['Gradient descent', 'Step size', 'Convergence'] },
    planted: true,
    sentences: [
      'The key idea is that the learning rate sets the step size of gradient descent.',
      'With a large learning rate the step size is big and gradient descent can jump past the minimum.',
      'With a small learning rate gradient descent moves slowly but reaches convergence.',
      'Remember that the learning rate is the most important setting to tune.',
      'In summary the step size decides the speed of convergence.',
    ],
  },
  {
    kind: 'slide',
    slide: { title: 'Weekly Plan', bullets: ['Reading list', 'Office hours', 'Homework dates'] },
    sentences: [
      'Now a few words about the plan for the rest of the term.',
      'The reading list for next week is posted on the course page.',
      'My office hours move to Thursday afternoon this month.',
      'The homework dates are the same as in the printed plan.',
      'The library keeps two copies of the book for the class.',
    ],
  },
  {
    kind: 'slide',
    slide: { title: 'Regularization', bullets: ['Overfitting', 'Penalty term', 'Validation error'] },
    planted: true,
    sentences: [
      'In summary regularization adds a penalty term to fight overfitting.',
      'The penalty term keeps the weights small so the model does not memorize the data.',
      'We watch the validation error to choose the strength of regularization.',
      'Remember this key point about overfitting and the penalty term.',
      'The key idea is that a simple model often generalizes better.',
    ],
  },
  {
    kind: 'speaker',
    sentences: [
      'That is all for the main part of the lecture today.',
      'Thank you all for coming and for the good discussion.',
      'The slides will be on the course page by tonight.',
      'See you all next week at the same time.',
      'Have a good evening and get home safely.',
    ],
  },
];

/** Pauses (seconds): between sentences, between scenes, and around key passages. */
export const LECTURE_GAPS = { sentence: 0.45, scene: 1.0, planted: 2.2, lead: 1.0 } as const;

export interface SyntheticLecture {
  /** H.264 + AAC MP4, 640×360, 25 fps. */
  file: string;
  durationSec: number;
  /** Where each sentence's audible speech begins and ends (seconds), in order. */
  speech: Array<TimeSpan & { text: string }>;
  /** Every word the lecture says, in order (the transcript's reference). */
  words: string[];
  /** What the frame shows, per scene. */
  layout: Array<TimeSpan & { kind: LayoutKind; slideTitle: string | null }>;
  /** The key passages: from their first word to their last. */
  planted: TimeSpan[];
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A slide as an SVG: title and bullets in dark text on white, within `width`. */
function slideSvg(slide: Slide, width: number): string {
  const lines = slide.bullets
    .map((b, i) => `<text x="40" y="${150 + i * 56}" font-size="34" fill="#1a1a1a">• ${escapeXml(b)}</text>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H}">
    <text x="40" y="80" font-family="DejaVu Sans" font-weight="bold" font-size="44" fill="#0b3d91">${escapeXml(slide.title)}</text>
    <g font-family="DejaVu Sans">${lines}</g></svg>`;
}

/** One scene's picture as PNG. */
async function drawScene(scene: Scene): Promise<Buffer> {
  const white = { r: 255, g: 255, b: 255 };
  if (scene.kind === 'speaker') {
    // The whole photo, centred on a dark studio background.
    const photo = await sharp(SPEAKER_PHOTO).resize(H, H).png().toBuffer();
    return sharp({ create: { width: W, height: H, channels: 3, background: { r: 30, g: 30, b: 36 } } })
      .composite([{ input: photo, left: (W - H) / 2, top: 0 }])
      .png()
      .toBuffer();
  }
  const layers: OverlayOptions[] = [
    { input: Buffer.from(slideSvg(scene.slide!, scene.kind === 'slide' ? W : 420)), left: 0, top: 0 },
  ];
  if (scene.kind === 'picture-in-picture') {
    // The speaker's head and shoulders in an inset at the right.
    const inset = await sharp(SPEAKER_PHOTO)
      .extract({ left: 130, top: 20, width: 240, height: 240 })
      .resize(200, 200)
      .png()
      .toBuffer();
    layers.push({ input: inset, left: W - 200 - 12, top: H - 200 - 12 });
  }
  return sharp({ create: { width: W, height: H, channels: 3, background: white } })
    .composite(layers)
    .png()
    .toBuffer();
}

/** First and last sample louder than −34 dBFS: festival writes digital silence around speech. */
function audibleBounds(samples: Float32Array): { start: number; end: number } {
  let first = 0;
  let last = samples.length - 1;
  while (first < samples.length && Math.abs(samples[first]!) < 0.02) first++;
  while (last > 0 && Math.abs(samples[last]!) < 0.02) last--;
  return { start: first, end: last + 1 };
}

/**
 * FOR TESTS AND BENCHMARKS: a short synthetic lecture (about 2.5 minutes at 640×360) with its
 * ground truth. Festival speaks every sentence; the sentences are laid on one track with known
 * pauses (longer around the key passages); sharp draws each scene (slides, the speaker from a real
 * face photo, a slide with the speaker inset); FFmpeg joins pictures and speech into an MP4.
 */
export async function buildSyntheticLecture(dir: string): Promise<SyntheticLecture> {
  // Speech first: every sentence's audio and where it goes.
  const clips: Float32Array[] = [];
  const speech: SyntheticLecture['speech'] = [];
  const layout: SyntheticLecture['layout'] = [];
  const planted: TimeSpan[] = [];
  const placed: Array<{ at: number; samples: Float32Array }> = [];
  let t = LECTURE_GAPS.lead;
  let sceneStart = 0;
  for (const [s, scene] of LECTURE_SCENES.entries()) {
    const firstSentence = speech.length;
    for (const [i, text] of scene.sentences.entries()) {
      const wav = join(dir, `s${s}-${i}.wav`);
      await synthesizeSpeech(text, wav, { voice: 'festival-kal' });
      const pcm = await decodeAudio(wav, { sampleRate: RATE });
      const { start, end } = audibleBounds(pcm.samples);
      const samples = pcm.samples.subarray(start, end);
      clips.push(samples);
      placed.push({ at: Math.round(t * RATE), samples });
      speech.push({ startSec: t, endSec: t + samples.length / RATE, text });
      t += samples.length / RATE;
      if (i < scene.sentences.length - 1) t += LECTURE_GAPS.sentence;
    }
    if (scene.planted) planted.push({ startSec: speech[firstSentence]!.startSec, endSec: t });
    const next = LECTURE_SCENES[s + 1];
    const gap =
      scene.planted || next?.planted ? LECTURE_GAPS.planted : next ? LECTURE_GAPS.scene : LECTURE_GAPS.lead;
    // The picture changes in the middle of the pause between scenes.
    const sceneEnd = next ? t + gap / 2 : t + gap;
    layout.push({
      startSec: sceneStart,
      endSec: sceneEnd,
      kind: scene.kind,
      slideTitle: scene.slide?.title ?? null,
    });
    sceneStart = sceneEnd;
    t += gap;
  }
  const durationSec = t;
  const track = new Float32Array(Math.ceil(durationSec * RATE));
  for (const p of placed) track.set(p.samples, p.at);
  const audioFile = join(dir, 'lecture.wav');
  await writeFile(audioFile, encodeWav({ samples: track, sampleRate: RATE }));

  // Pictures: one PNG per scene, held for its span (concat demuxer with durations).
  const list: string[] = [];
  for (const [s, scene] of LECTURE_SCENES.entries()) {
    const png = join(dir, `scene-${s}.png`);
    await writeFile(png, await drawScene(scene));
    const span = layout[s]!;
    list.push(`file '${png}'`, `duration ${(span.endSec - span.startSec).toFixed(3)}`);
  }
  list.push(`file '${join(dir, `scene-${LECTURE_SCENES.length - 1}.png`)}'`);
  const listFile = join(dir, 'scenes.txt');
  await writeFile(listFile, `${list.join('\n')}\n`);
  const file = join(dir, 'lecture.mp4');
  await runFfmpeg([
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    listFile,
    '-i',
    audioFile,
    '-vf',
    `fps=25,format=yuv420p`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'stillimage',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-af',
    'aformat=channel_layouts=stereo',
    '-t',
    durationSec.toFixed(3),
    '-movflags',
    '+faststart',
    file,
  ]);
  const words = speech.flatMap((s) =>
    s.text
      .toLowerCase()
      .replace(/[^a-z' ]/g, ' ')
      .split(/\s+/)
      .filter(Boolean),
  );
  return { file, durationSec, speech, words, layout, planted };
}

/** The ground-truth layout kind at time `t`. */
export function layoutAt(lecture: SyntheticLecture, t: number): LayoutKind | undefined {
  return lecture.layout.find((l) => l.startSec <= t && t < l.endSec)?.kind;
}
